"""The unit- and period-specific strings of a form, kept apart so that they can be patched."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalogue import load_catalogue
from ..periods import Period
from ..tiers import TIER_NAMES
from ..units import Unit
from .layout import META_KEYS, TEMPLATE_VERSION, template_id


@dataclass(frozen=True)
class FormTexts:
    """What a form says about its unit and period; all empty in a blank template."""

    tier: str
    scheme: str
    unit_given: bool = False
    unit_code: str = ""
    unit_name: str = ""
    association: str = ""
    parent_code: str = ""
    parent_name: str = ""
    period_given: bool = False
    period: str = ""
    period_label: str = ""

    @classmethod
    def of(cls, tier: str, scheme: str, unit: Unit | None, parent: Unit | None,
           period: Period | None) -> FormTexts:
        return cls(
            tier=tier, scheme=scheme,
            unit_given=unit is not None,
            unit_code=unit.code if unit else "",
            unit_name=unit.name if unit else "",
            association=unit.association_name if unit else "",
            parent_code=parent.code if parent else "",
            parent_name=parent.name if parent else "",
            period_given=period is not None,
            period=str(period) if period else "",
            period_label=period.label() if period else "",
        )

    @property
    def tier_label(self) -> str:
        """``Cấp xã``."""
        name = TIER_NAMES[self.tier]
        return name[0].upper() + name[1:]

    def meta(self) -> dict[str, str]:
        """The ``_kh_meta`` keys and values, in ``META_KEYS`` order."""
        values = {
            "template_id": template_id(self.tier, self.scheme),
            "template_version": str(TEMPLATE_VERSION),
            "catalogue_version": str(load_catalogue().version),
            "tier": self.tier,
            "scheme": self.scheme,
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "parent_code": self.parent_code,
            "parent_name": self.parent_name,
            "period": self.period,
        }
        return {key: values[key] for key in META_KEYS}

    def info(self) -> dict[str, str]:
        """Values of the generator-filled fields of the sheet "Thông tin chung"."""
        return {"unit_name": self.unit_name, "unit_code": self.unit_code,
                "parent_name": self.parent_name, "period": self.period_label,
                "tier": self.tier_label}

    def info_is_input(self, key: str) -> bool:
        """A generator field the user types in because the generator had nothing to put there."""
        if key in ("unit_name", "unit_code", "parent_name"):
            return not self.unit_given
        if key == "period":
            return not self.period_given
        return False
