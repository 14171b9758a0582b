"""Links that apps built on action plans add to the plan page (the reporting app's deliberation
file), so that the plan page can show them while importing none of those apps."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLink:
    label: str
    url: str
    icon: str = ""  # a Bootstrap icon name, e.g. "file-earmark-pdf"


_providers: dict[str, Callable] = {}


def register_plan_links(key: str, provider: Callable) -> None:
    """`provider(plan, user) -> list[PlanLink]`, answering without a query when it can."""
    _providers[key] = provider


def plan_links(plan, user) -> list[PlanLink]:
    return [link for provider in _providers.values() for link in provider(plan, user)]
