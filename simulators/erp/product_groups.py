"""The ERP's product groups (material groups) and their texts, as API_PRODUCTGROUP_SRV serves them.

The French name is the world's category name; English is a small table of our own.
SAP keeps a 20-character name and a 60-character text per language; a longer
category name is cut to 20 in the name, as a user keying it in would have to.
"""

from simulators.world import CATEGORIES

from .odata_server.model import Row

NAME_LENGTH = 20
ENGLISH = {
    "CAM": "Cameras", "MEM": "Memory cards", "BAG": "Camera bags", "BIK": "Bicycles", "HLM": "Bike helmets",
    "LCK": "Bike locks", "RUN": "Running shoes", "SOX": "Sports socks", "PHN": "Smartphones",
    "CAS": "Phone cases and screen protectors", "CHG": "Chargers and cables", "HPH": "Headphones",
    "LAP": "Laptops", "LBG": "Laptop bags", "DRL": "Power tools", "BAT": "Batteries and drill bits",
    "COF": "Coffee machines", "CAP": "Coffee and capsules", "TNT": "Tents", "SLP": "Sleeping bags",
}


def product_groups() -> tuple[list[Row], list[Row]]:
    """(groups, texts): one group per world category, with a French text and, where we have one, an English."""
    groups: list[Row] = []
    texts: list[Row] = []
    for category in CATEGORIES:
        group: Row = {"MaterialGroup": category.erp_group, "AuthorizationGroup": ""}
        names = {"FR": category.name, "EN": ENGLISH.get(category.code)}
        group["to_Text"] = [_text(group, language, name) for language, name in names.items() if name]
        groups.append(group)
        texts += group["to_Text"]
    return groups, texts


def _text(group: Row, language: str, name: str) -> Row:
    return {"MaterialGroup": group["MaterialGroup"], "Language": language,
            "MaterialGroupName": name[:NAME_LENGTH], "MaterialGroupText": name, "to_MaterialGroup": group}
