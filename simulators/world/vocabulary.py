"""The words the demo world is made of: people, streets, notes, services and phone zones."""

FIRST_NAMES = (
    "Léa", "Emma", "Chloé", "Manon", "Camille", "Inès", "Sarah", "Jade", "Louise", "Zoé", "Alice", "Lina",
    "Juliette", "Clara", "Anaïs", "Margaux", "Pauline", "Élise", "Mathilde", "Océane", "Lucas", "Hugo", "Louis",
    "Gabriel", "Arthur", "Jules", "Nathan", "Théo", "Tom", "Raphaël", "Léo", "Adam", "Paul", "Maxime", "Antoine",
    "Thomas", "Nicolas", "Julien", "Mehdi", "Karim", "Yanis", "Sofiane", "Baptiste", "Quentin", "Romain",
)
LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
    "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard",
    "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André",
    "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia",
    "Perrin", "Robin", "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson",
)
STREETS = (
    "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo", "boulevard Gambetta", "rue Nationale",
    "place du Marché", "rue du Général de Gaulle", "avenue de la Gare", "rue Pasteur", "rue de Paris",
    "cours Mirabeau", "rue Saint-Michel", "avenue Foch", "rue des Écoles", "boulevard Carnot",
    "rue du Commerce", "quai des Bateliers", "rue Émile Zola", "avenue de Verdun", "rue de la Paix",
)
MALLS = ("Centre", "Gare", "Les Halles", "Nord", "Sud", "Rives", "Cathédrale", "Porte", "Forum", "Port", "Parc",
         "Université")  # as many as the most stores one city has (stores_per_city)
INTERESTS = ("running", "cycling", "photography", "hiking", "camping", "coffee", "diy", "music", "gaming",
             "travel", "fitness", "tech")
NOTE_TOPICS = ("sizing", "gift", "repair", "preference", "complaint", "follow-up", "loyalty")
NOTE_TEXTS = (
    "Prefers morning appointments; ask for Karim at the bike desk.",
    "Training for a marathon in spring, interested in carbon-plated shoes.",
    "Bought a gift for a partner; keep the receipt with gift wrapping.",
    "Wears a 43 in Asics but a 44 in Nike.",
    "Camera sensor cleaned in store; follow up in six months.",
    "Unhappy with the delivery delay last time; offered 10 € voucher.",
    "Asked to be called when the Gravel range restocks.",
    "Allergic to latex; avoid latex grips on recommendations.",
)
APPOINTMENT_SERVICES = (
    ("Bike fitting", 60), ("Running gait analysis", 30), ("Camera workshop", 90),
    ("Laptop setup", 45), ("Coffee machine demo", 30), ("Tent pitching demo", 45),
)

# The digit after +33 of a landline (ARCEP's five zones), by département: Montpellier is 04, Toulouse 05.
PHONE_ZONES: dict[str, tuple[str, ...]] = {
    "1": ("75", "77", "78", "91", "92", "93", "94", "95"),
    "2": ("14", "18", "22", "27", "28", "29", "35", "36", "37", "41", "44", "45", "49", "50", "53", "56", "61", "72",
          "76", "85"),
    "3": ("02", "08", "10", "21", "25", "39", "51", "52", "54", "55", "57", "58", "59", "60", "62", "67", "68", "70",
          "71", "80", "88", "89", "90"),
    "4": ("01", "03", "04", "05", "06", "07", "11", "13", "15", "26", "2A", "2B", "30", "34", "38", "42", "43", "48",
          "63", "66", "69", "73", "74", "83", "84"),
    "5": ("09", "12", "16", "17", "19", "23", "24", "31", "32", "33", "40", "46", "47", "64", "65", "79", "81", "82",
          "86", "87"),
}
