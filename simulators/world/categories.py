"""The catalog's categories: each brand with the product lines it really sells there, variants and prices.

A product name pairs a brand only with one of its own lines ("Samsung Galaxy S12", never
"Samsung Fairphone"); a line's "#" is its model number, drawn from the category's range. The
name ends with the variant and the attributes a shop names too ("Noir", "16 Go 512 Go").
"""

from dataclasses import dataclass

Lines = tuple[tuple[str, tuple[str, ...]], ...]  # (brand, the lines it sells in the category)


@dataclass(frozen=True, slots=True)
class CategoryDef:
    """One product category and how its products are named and priced."""

    code: str  # sku prefix
    name: str
    erp_group: str  # SAP ProductGroup
    weight: int  # share of the catalog
    lines: Lines
    variants: tuple[str, ...]
    price_range: tuple[int, int]  # euros
    attributes: tuple[tuple[str, tuple[str, ...]], ...]
    # (category code, relationship type) of the products that go with this one
    goes_with: tuple[tuple[str, str], ...] = ()
    models: range = range(1, 10)  # the numbers a line's "#" takes
    named: tuple[str, ...] = ()  # attributes whose value the name carries, in this order


def product_name(brand: str, line: str, model: int, details: tuple[str, ...]) -> str:
    """"Apple iPhone 15 Pro 256 Go Noir"; a line named after its brand says it once ("Fairphone 6", "Xiaomi 14T")."""
    titled = line.replace("#", str(model))
    return " ".join((titled if titled.startswith(brand) else f"{brand} {titled}", *details))


COLOURS = ("Noir", "Blanc", "Gris", "Bleu", "Rouge", "Vert", "Sable")

CATEGORIES: tuple[CategoryDef, ...] = (
    CategoryDef("CAM", "Appareils photo", "L001", 6, (
        ("Canon", ("EOS R#", "EOS #D")), ("Nikon", ("Z#", "D#")), ("Sony", ("Alpha #", "Alpha #R")),
        ("Fujifilm", ("X-T#", "X-S#", "X-H#")), ("Panasonic", ("Lumix S#", "Lumix G#"))),
                ("Boîtier nu", "Kit 18-55", "Kit 24-105"),
                (299, 2499), (("Capteur", ("APS-C", "Plein format")), ("Couleur", COLOURS[:3])),
                (("MEM", "ACC"), ("BAG", "ACC")), models=range(5, 100), named=("Couleur",)),
    CategoryDef("MEM", "Cartes mémoire", "L002", 8, (
        ("SanDisk", ("Extreme SDXC # Mo/s", "Extreme PRO SDXC # Mo/s", "Extreme microSDXC # Mo/s")),
        ("Lexar", ("Professional SDXC # Mo/s", "PLAY microSDXC # Mo/s")),
        ("Kingston", ("Canvas Go! Plus SDXC # Mo/s", "Canvas React Plus SDXC # Mo/s",
                      "Canvas Select Plus microSDXC # Mo/s")),
        ("Samsung", ("PRO Plus SDXC # Mo/s", "EVO Plus microSDXC # Mo/s"))),
                ("64 Go", "128 Go", "256 Go", "512 Go"),
                (12, 180), (("Classe", ("U3", "V30", "V60", "V90")),), models=range(90, 310, 10), named=("Classe",)),
    CategoryDef("BAG", "Sacs photo", "L003", 5, (
        ("Lowepro", ("Sac à dos ProTactic BP #50", "Sacoche Adventura SH #40", "Sac bandoulière Nova #")),
        ("Manfrotto", ("Sac à dos Advanced #", "Sac bandoulière Street #", "Étui Essential #")),
        ("Peak Design", ("Sac à dos Everyday #0 L", "Sac bandoulière Everyday Sling # L")),
        ("Think Tank", ("Sac à dos StreetWalker #", "Sacoche Retrospective #"))),
                ("S", "M", "L"),
                (29, 299), (("Couleur", COLOURS),), named=("Couleur",)),
    CategoryDef("BIK", "Vélos", "L004", 6, (
        ("Btwin", ("VTT Rockrider ST #00", "Vélo de route Triban RC #20", "VTC Riverside #00",
                   "Vélo électrique Elops #20 E")),
        ("Giant", ("VTT Talon #", "Vélo de route TCR Advanced #", "Gravel Revolt #", "VTC Escape #")),
        ("Trek", ("VTT Marlin #", "Vélo de route Domane AL #", "Gravel Checkpoint ALR #", "VTC FX #",
                  "Vélo électrique Allant+ #")),
        ("Scott", ("VTT Aspect #", "Vélo de route Addict #", "Gravel Speedster Gravel #", "VTC Sub Cross #")),
        ("Cannondale", ("VTT Trail #", "Vélo de route CAAD Optimo #", "Gravel Topstone #", "VTC Quick #"))),
                ("S", "M", "L", "XL"),
                (299, 4999), (("Cadre", ("Aluminium", "Carbone", "Acier")), ("Couleur", COLOURS)),
                (("HLM", "ACC"), ("LCK", "ACC")), named=("Couleur",)),
    CategoryDef("HLM", "Casques vélo", "L005", 5, (
        ("Abus", ("Casque urbain Hyban #.0", "Casque VTT Moventor #.0", "Casque route Viantor #")),
        ("Giro", ("Casque route Aether #", "Casque VTT Source #", "Casque urbain Caden #")),
        ("Bell", ("Casque urbain Annex #", "Casque VTT Super Air #", "Casque route Falcon XR #")),
        ("Uvex", ("Casque route race #", "Casque urbain city #", "Casque VTT finale #.0"))),
                ("S", "M", "L"),
                (29, 249), (("Couleur", COLOURS), ("Norme", ("EN 1078",))), named=("Couleur",)),
    CategoryDef("LCK", "Antivols", "L006", 4, (
        ("Abus", ("Antivol U Granit X-Plus #40", "Antivol pliant Bordo #000", "Chaîne antivol CityChain #0")),
        ("Kryptonite", ("Antivol U Evolution Mini-#", "Antivol U KryptoLok Series #", "Câble antivol KryptoFlex #0")),
        ("Master Lock", ("Antivol U #190", "Câble antivol #124", "Chaîne antivol #391")),
        ("OnGuard", ("Antivol U Brute #000", "Antivol U Pitbull #005", "Chaîne antivol Mastiff #022"))),
                ("Niveau 5", "Niveau 7", "Niveau 10", "Niveau 12", "Niveau 15"),
                (19, 149), (("Longueur", ("85 cm", "110 cm", "180 cm")),)),
    CategoryDef("RUN", "Chaussures de running", "L007", 8, (
        ("Asics", ("Gel-Nimbus #", "Gel-Kayano #", "Novablast #", "Gel-Trabuco #")),
        ("Nike", ("Pegasus #", "Vomero #", "Pegasus Trail #", "Invincible #")),
        ("Adidas", ("Adizero Boston #", "Adizero Adios Pro #", "Terrex Agravic Speed #")),
        ("Brooks", ("Ghost #", "Glycerin #", "Adrenaline GTS #", "Cascadia #")),
        ("Hoka", ("Clifton #", "Bondi #", "Speedgoat #", "Mach #")),
        ("Saucony", ("Ride #", "Triumph #", "Endorphin Speed #", "Peregrine #"))),
                ("40", "41", "42", "43", "44", "45"),
                (59, 229), (("Drop", ("4 mm", "8 mm", "10 mm")), ("Couleur", COLOURS)), (("SOX", "ACC"),),
                models=range(2, 32), named=("Couleur",)),
    CategoryDef("SOX", "Chaussettes de sport", "L008", 4, (
        ("Kalenji", ("Chaussettes running Run #00", "Chaussettes trail Trail #00",
                     "Chaussettes compression Kiprun #00")),
        ("Asics", ("Chaussettes running Performance Run #", "Chaussettes trail Fujitrail #")),
        ("Nike", ("Chaussettes running Spark #", "Chaussettes trail Trail Crew #")),
        ("Falke", ("Chaussettes running RU#", "Chaussettes trail RU Trail #",
                   "Chaussettes compression RU Compression #"))),
                ("35-38", "39-42", "43-46"),
                (6, 29), (("Couleur", COLOURS),), named=("Couleur",)),
    CategoryDef("PHN", "Smartphones", "L009", 6, (
        ("Samsung", ("Galaxy S#", "Galaxy S# Ultra", "Galaxy A#")),
        ("Apple", ("iPhone #", "iPhone # Pro", "iPhone # Pro Max")),
        ("Xiaomi", ("Redmi Note #", "Redmi Note # Pro", "Xiaomi #T")),
        ("Google", ("Pixel #", "Pixel #a", "Pixel # Pro")),
        ("Fairphone", ("Fairphone #",))),
                ("128 Go", "256 Go", "512 Go"),
                (149, 1599), (("Écran", ("6,1 pouces", "6,5 pouces", "6,7 pouces")), ("Couleur", COLOURS[:4])),
                (("CAS", "ACC"), ("CHG", "ACC"), ("HPH", "XSL")), models=range(6, 17), named=("Couleur",)),
    CategoryDef("CAS", "Coques et protections", "L010", 7, (
        ("Spigen", ("Coque Ultra Hybrid pour iPhone #", "Coque Liquid Air pour Galaxy S#",
                    "Coque Tough Armor pour Galaxy S#", "Verre trempé GLAS.tR pour iPhone #")),
        ("Otterbox", ("Coque Defender pour iPhone #", "Coque Symmetry pour Galaxy S#", "Coque Commuter pour iPhone #",
                      "Verre trempé Amplify pour Galaxy S#")),
        ("Belkin", ("Protection d'écran ScreenForce pour iPhone #", "Protection d'écran ScreenForce pour Galaxy S#",
                    "Coque SheerForce pour iPhone #")),
        ("Samsung", ("Coque Silicone Galaxy S#", "Étui Smart View Galaxy S#", "Étui Leather Cover Galaxy S#")),
        ("Apple", ("Coque en silicone MagSafe iPhone #", "Étui FineWoven MagSafe iPhone #"))),
                ("transparent", "noir", "bleu", "rose", "vert", "violet"),
                (9, 69), (("Matière", ("Silicone", "TPU", "Cuir", "Verre")),), models=range(6, 17)),
    CategoryDef("CHG", "Chargeurs et câbles", "L011", 7, (
        ("Anker", ("Chargeur USB-C Nano #", "Câble USB-C PowerLine #", "Batterie externe PowerCore #")),
        ("Belkin", ("Chargeur USB-C BoostCharge Pro #", "Câble USB-C BoostCharge #",
                    "Chargeur sans fil BoostCharge Pro #")),
        ("Ugreen", ("Chargeur USB-C Nexode #", "Câble USB-C Uno #", "Batterie externe Nexode #")),
        ("Samsung", ("Chargeur USB-C Super Fast #", "Chargeur sans fil Duo #", "Batterie externe EB-P#"))),
                ("20 W", "45 W", "65 W", "1 m", "2 m"),
                (9, 99), (("Connecteur", ("USB-C", "Lightning", "USB-A")),), models=range(2, 20)),
    CategoryDef("HPH", "Casques audio", "L012", 6, (
        ("Sony", ("Casque Bluetooth WH-1000XM#", "Écouteurs sans fil WF-1000XM#", "Casque Bluetooth WH-CH#20",
                  "Écouteurs sans fil WF-C#00")),
        ("Bose", ("Casque Bluetooth QuietComfort #5", "Écouteurs sans fil QuietComfort Earbuds #",
                  "Casque Bluetooth QuietComfort Ultra #")),
        ("Sennheiser", ("Casque Bluetooth Momentum #", "Écouteurs sans fil Momentum True Wireless #",
                        "Casque filaire HD #00")),
        ("JBL", ("Casque Bluetooth Tune #10BT", "Écouteurs sans fil Live Pro #", "Casque Bluetooth Live #60NC",
                 "Écouteurs sans fil Tune Buds #")),
        ("Apple", ("Écouteurs sans fil AirPods #", "Écouteurs sans fil AirPods Pro #",
                   "Casque Bluetooth AirPods Max #"))),
                ("Noir", "Blanc", "Bleu", "Beige", "Vert"),
                (29, 449), (("Réduction de bruit", ("Oui", "Non")),), (("CHG", "ACC"),), models=range(2, 16)),
    CategoryDef("LAP", "Ordinateurs portables", "L013", 6, (
        ("Lenovo", ("ThinkPad X1 Carbon Gen #", "IdeaPad Slim #", "Yoga Slim #")),
        ("Dell", ("Latitude #440", "Inspiron #430", "Vostro #620")),
        ("HP", ("EliteBook #40", "ProBook #50", "Envy x360 #")),
        ("Asus", ("Zenbook Duo #", "Vivobook Go #", "ROG Strix G#")),
        ("Apple", ("MacBook Air M#", "MacBook Pro M#"))),
                ("13 pouces", "14 pouces", "16 pouces"),
                (449, 2999), (("Mémoire", ("8 Go", "16 Go", "32 Go")), ("Stockage", ("256 Go", "512 Go", "1 To"))),
                (("LBG", "ACC"), ("CHG", "ACC")), models=range(3, 10), named=("Mémoire", "Stockage")),
    CategoryDef("LBG", "Sacoches ordinateur", "L014", 4, (
        ("Samsonite", ("Sacoche Openroad #.0", "Sac à dos Guardit #.0", "Housse Network #")),
        ("Targus", ("Sacoche Classic #", "Sac à dos Cypress EcoSmart #", "Housse Multi-Fit #")),
        ("Dell", ("Sac à dos Pro #", "Sacoche EcoLoop Pro #", "Housse Premier #")),
        ("Incase", ("Housse ICON #", "Sac à dos City #", "Sacoche Compass #"))),
                ("13 pouces", "14 pouces", "16 pouces"),
                (19, 149), (("Couleur", COLOURS[:3]),), named=("Couleur",)),
    CategoryDef("DRL", "Outillage électroportatif", "L015", 6, (
        ("Bosch", ("Perceuse visseuse GSR #", "Perforateur GBH #", "Visseuse à chocs GDR #", "Scie sauteuse GST #")),
        ("Makita", ("Perceuse visseuse DDF4#", "Perforateur DHR2#", "Visseuse à chocs DTD1#", "Scie sauteuse DJV1#")),
        ("DeWalt", ("Perceuse visseuse DCD7#", "Perforateur DCH2#", "Visseuse à chocs DCF8#", "Scie sauteuse DCS3#")),
        ("Ryobi", ("Perceuse visseuse RPD#", "Perforateur RSDS#", "Visseuse à chocs RID#", "Scie sauteuse RJS#"))),
                ("12V", "18V", "36V"),
                (49, 499), (("Batteries incluses", ("0", "1", "2")),), (("BAT", "CON"),), models=range(10, 100)),
    CategoryDef("BAT", "Batteries et forets", "L016", 5, (
        ("Bosch", ("Batterie GBA #", "Coffret de forets X-Line #", "Chargeur rapide GAL #")),
        ("Makita", ("Batterie BL#", "Coffret de forets E-#", "Chargeur rapide DC#")),
        ("DeWalt", ("Batterie DCB1#", "Coffret de forets DT7#", "Chargeur rapide DCB#")),
        ("Ryobi", ("Batterie RB#", "Coffret de forets RAK#", "Chargeur rapide RC#"))),
                ("2 Ah", "4 Ah", "5 Ah", "32 pièces"),
                (14, 149), (("Tension", ("12V", "18V", "36V")),), models=range(10, 100)),
    CategoryDef("COF", "Machines à café", "L017", 5, (
        ("DeLonghi", ("Expresso broyeur Magnifica S #", "Expresso broyeur Dinamica #",
                      "Machine expresso Dedica EC#85")),
        ("Krups", ("Expresso broyeur Evidence #", "Expresso broyeur Sensation EA#10",
                   "Cafetière filtre ProAroma #")),
        ("Nespresso", ("Machine à capsules Vertuo Pop #", "Machine à capsules Essenza Mini #",
                       "Machine à capsules CitiZ #")),
        ("Philips", ("Expresso broyeur Série #000", "Expresso broyeur LatteGo #200",
                     "Cafetière filtre Café Gourmet #"))),
                ("Noir", "Inox", "Blanc", "Rouge", "Gris"),
                (59, 1199), (("Pression", ("15 bars", "19 bars")),), (("CAP", "CON"),), named=("Pression",)),
    CategoryDef("CAP", "Cafés et capsules", "L018", 5, (
        ("Nespresso", ("Capsules Ispirazione Roma x#0", "Capsules Ispirazione Napoli x#0",
                       "Capsules Vertuo Melozio x#0", "Capsules Vertuo Stormio x#0")),
        ("Lavazza", ("Café en grains Qualità Oro #00 g", "Café en grains Crema e Gusto #00 g",
                     "Café moulu Qualità Rossa #00 g", "Capsules A Modo Mio Passionale x#0")),
        ("L'Or", ("Capsules Espresso Forza x#0", "Capsules Espresso Lungo Profondo x#0",
                  "Café en grains Classique #00 g", "Café moulu Classique #00 g")),
        ("Carte Noire", ("Capsules Espresso Intense x#0", "Café en grains Pur Arabica #00 g",
                         "Café moulu Classique #00 g"))),
                ("Intenso", "Lungo", "Decaf", "Bio"),
                (3, 39), (("Intensité", ("6", "8", "10", "12")),)),
    CategoryDef("TNT", "Tentes", "L019", 4, (
        ("Quechua", ("Tente dôme MH#00", "Tente tunnel Air Seconds #.1", "Tente ultralégère Trek #00")),
        ("MSR", ("Tente ultralégère Hubba Hubba NX#", "Tente dôme Elixir #", "Tente ultralégère FreeLite #")),
        ("Vaude", ("Tente dôme Campo #", "Tente tunnel Space #", "Tente ultralégère Taurus #")),
        ("Ferrino", ("Tente dôme Lightent #", "Tente tunnel Proxes #", "Tente ultralégère Nemesi #"))),
                ("2 places", "3 places", "4 places"),
                (49, 799), (("Saison", ("3 saisons", "4 saisons")),), (("SLP", "ACC"),), named=("Saison",)),
    CategoryDef("SLP", "Sacs de couchage", "L020", 4, (
        ("Quechua", ("Sac rectangulaire Arpenaz #", "Sac momie MT#00")),
        ("Mammut", ("Sac momie Relax Fiber #", "Sac duvet Comfort Down #")),
        ("Vaude", ("Sac momie Sioux #00 SYN", "Sac duvet Rotstock #00")),
        ("Ferrino", ("Sac rectangulaire Yukon #", "Sac momie Lightec #00"))),
                ("15 °C", "10 °C", "5 °C", "0 °C", "-5 °C", "-10 °C"),
                (19, 399), (("Garnissage", ("Synthétique", "Duvet")),)),
)
