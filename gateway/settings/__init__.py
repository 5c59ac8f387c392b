"""Typed settings from `OMNIGATE_*` environment variables over an optional TOML file.

Each setting is declared once, as a field of `Settings` (model.py); its parser, default, description and
production rules come from that declaration, and so do the loader's messages and the README's table
(`python -m gateway.settings.table`).
"""

from .declaration import PREFIX, Setting
from .loading import SettingsError, load_settings
from .model import SETTINGS, Settings
from .values import Environment, SdlAccess

__all__ = ["PREFIX", "SETTINGS", "Environment", "SdlAccess", "Setting", "Settings", "SettingsError",
           "load_settings"]
