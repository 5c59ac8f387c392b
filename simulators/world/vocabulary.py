"""The words the demo world is made of: categories, brands, names and streets."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CategoryDef:
    """One product category and how its products are named and priced."""

    code: str  # sku prefix
    name: str
    erp_group: str  # SAP ProductGroup
    weight: int  # share of the catalog
    brands: tuple[str, ...]
    families: tuple[str, ...]
    variants: tuple[str, ...]
    price_range: tuple[int, int]  # euros
    attributes: tuple[tuple[str, tuple[str, ...]], ...]
    # (category code, relationship type) of the products that go with this one
    goes_with: tuple[tuple[str, str], ...] = ()


COLOURS = ("Noir", "Blanc", "Gris", "Bleu", "Rouge", "Vert", "Sable")

CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef("CAM", "Appareils photo", "L001", 6, ("Canon", "Nikon", "Sony", "Fujifilm", "Panasonic"),
                ("Hybride", "Reflex", "Compact expert", "Bridge"), ("Boîtier nu", "Kit 18-55", "Kit 24-105"),
                (299, 2499), (("Capteur", ("APS-C", "Plein format", "1 pouce")), ("Couleur", COLOURS[:3])),
                (("MEM", "ACC"), ("BAG", "ACC"))),
    CategoryDef("MEM", "Cartes mémoire", "L002", 8, ("SanDisk", "Lexar", "Kingston", "Samsung"),
                ("SDXC Extreme", "SDXC Pro", "microSDXC", "CFexpress"), ("64 Go", "128 Go", "256 Go", "512 Go"),
                (12, 180), (("Classe", ("U3", "V30", "V60", "V90")),)),
    CategoryDef("BAG", "Sacs photo", "L003", 5, ("Lowepro", "Manfrotto", "Peak Design", "Think Tank"),
                ("Sac à dos", "Sacoche", "Sac bandoulière", "Étui"), ("S", "M", "L"),
                (29, 299), (("Couleur", COLOURS),)),
    CategoryDef("BIK", "Vélos", "L004", 6, ("Btwin", "Giant", "Trek", "Scott", "Cannondale"),
                ("VTT", "Vélo de route", "Gravel", "VTC", "Vélo électrique"), ("S", "M", "L", "XL"),
                (299, 4999), (("Cadre", ("Aluminium", "Carbone", "Acier")), ("Couleur", COLOURS)),
                (("HLM", "ACC"), ("LCK", "ACC"))),
    CategoryDef("HLM", "Casques vélo", "L005", 5, ("Abus", "Giro", "Bell", "Uvex"),
                ("Casque route", "Casque urbain", "Casque VTT"), ("S", "M", "L"),
                (29, 249), (("Couleur", COLOURS), ("Norme", ("EN 1078",)))),
    CategoryDef("LCK", "Antivols", "L006", 4, ("Abus", "Kryptonite", "Master Lock", "OnGuard"),
                ("Antivol U", "Antivol pliant", "Chaîne antivol", "Câble antivol"),
                ("Niveau 7", "Niveau 10", "Niveau 15"),
                (19, 149), (("Longueur", ("85 cm", "110 cm", "180 cm")),)),
    CategoryDef("RUN", "Chaussures de running", "L007", 8, ("Asics", "Nike", "Adidas", "Brooks", "Hoka", "Saucony"),
                ("Route", "Trail", "Compétition", "Amorti max"), ("40", "41", "42", "43", "44", "45"),
                (59, 229), (("Drop", ("4 mm", "8 mm", "10 mm")), ("Couleur", COLOURS)), (("SOX", "ACC"),)),
    CategoryDef("SOX", "Chaussettes de sport", "L008", 4, ("Kalenji", "Asics", "Nike", "Falke"),
                ("Chaussettes running", "Chaussettes trail", "Chaussettes compression"), ("35-38", "39-42", "43-46"),
                (6, 29), (("Couleur", COLOURS),)),
    CategoryDef("PHN", "Smartphones", "L009", 6, ("Samsung", "Apple", "Xiaomi", "Google", "Fairphone"),
                ("Galaxy", "iPhone", "Redmi", "Pixel", "Fairphone"), ("128 Go", "256 Go", "512 Go"),
                (149, 1599), (("Écran", ("6,1 pouces", "6,5 pouces", "6,7 pouces")), ("Couleur", COLOURS[:4])),
                (("CAS", "ACC"), ("CHG", "ACC"), ("HPH", "XSL"))),
    CategoryDef("CAS", "Coques et protections", "L010", 7, ("Spigen", "Otterbox", "Belkin", "Samsung", "Apple"),
                ("Coque", "Étui folio", "Verre trempé"), ("transparent", "noir", "bleu", "rose"),
                (9, 69), (("Matière", ("Silicone", "TPU", "Cuir", "Verre")),)),
    CategoryDef("CHG", "Chargeurs et câbles", "L011", 7, ("Anker", "Belkin", "Ugreen", "Samsung"),
                ("Chargeur USB-C", "Câble USB-C", "Batterie externe", "Chargeur sans fil"),
                ("20 W", "45 W", "65 W", "1 m", "2 m"),
                (9, 99), (("Connecteur", ("USB-C", "Lightning", "USB-A")),)),
    CategoryDef("HPH", "Casques audio", "L012", 6, ("Sony", "Bose", "Sennheiser", "JBL", "Apple"),
                ("Casque Bluetooth", "Écouteurs sans fil", "Casque filaire"), ("Noir", "Blanc", "Bleu"),
                (29, 449), (("Réduction de bruit", ("Oui", "Non")),), (("CHG", "ACC"),)),
    CategoryDef("LAP", "Ordinateurs portables", "L013", 6, ("Lenovo", "Dell", "HP", "Asus", "Apple"),
                ("ThinkPad", "XPS", "EliteBook", "Zenbook", "MacBook Air"), ("13 pouces", "14 pouces", "16 pouces"),
                (449, 2999), (("Mémoire", ("8 Go", "16 Go", "32 Go")), ("Stockage", ("256 Go", "512 Go", "1 To"))),
                (("LBG", "ACC"), ("CHG", "ACC"))),
    CategoryDef("LBG", "Sacoches ordinateur", "L014", 4, ("Samsonite", "Targus", "Dell", "Incase"),
                ("Sacoche", "Sac à dos", "Housse"), ("13 pouces", "14 pouces", "16 pouces"),
                (19, 149), (("Couleur", COLOURS[:3]),)),
    CategoryDef("DRL", "Outillage électroportatif", "L015", 6, ("Bosch", "Makita", "DeWalt", "Ryobi"),
                ("Perceuse visseuse", "Perforateur", "Visseuse à chocs", "Scie sauteuse"), ("12V", "18V", "36V"),
                (49, 499), (("Batteries incluses", ("0", "1", "2")),), (("BAT", "CON"),)),
    CategoryDef("BAT", "Batteries et forets", "L016", 5, ("Bosch", "Makita", "DeWalt", "Ryobi"),
                ("Batterie", "Coffret de forets", "Chargeur rapide", "Lot d'embouts"),
                ("2 Ah", "4 Ah", "5 Ah", "32 pièces"),
                (14, 149), (("Tension", ("12V", "18V", "36V")),)),
    CategoryDef("COF", "Machines à café", "L017", 5, ("DeLonghi", "Krups", "Nespresso", "Philips"),
                ("Expresso broyeur", "Machine à capsules", "Cafetière filtre"), ("Noir", "Inox", "Blanc"),
                (59, 1199), (("Pression", ("15 bars", "19 bars")),), (("CAP", "CON"),)),
    CategoryDef("CAP", "Cafés et capsules", "L018", 5, ("Nespresso", "Lavazza", "L'Or", "Carte Noire"),
                ("Capsules", "Café en grains", "Café moulu"), ("Intenso", "Lungo", "Decaf", "1 kg"),
                (3, 39), (("Intensité", ("6", "8", "10", "12")),)),
    CategoryDef("TNT", "Tentes", "L019", 4, ("Quechua", "MSR", "Vaude", "Ferrino"),
                ("Tente dôme", "Tente tunnel", "Tente ultralégère"), ("2 places", "3 places", "4 places"),
                (49, 799), (("Saison", ("3 saisons", "4 saisons")),), (("SLP", "ACC"),)),
    CategoryDef("SLP", "Sacs de couchage", "L020", 4, ("Quechua", "Mammut", "Vaude", "Ferrino"),
                ("Sac momie", "Sac rectangulaire", "Sac duvet"), ("0 °C", "5 °C", "10 °C", "-10 °C"),
                (19, 399), (("Garnissage", ("Synthétique", "Duvet")),)),
)

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
