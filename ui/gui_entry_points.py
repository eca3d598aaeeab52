"""The GUI's entry points plugin/ calls (:mod:`plugin.gui_hooks`): adding to the map, the Export dialog, the
job-end message. Each module behind them is imported on first use, keeping start-up light."""

from __future__ import annotations

from typing import Any

from ..plugin import gui_hooks


def install_gui_hooks() -> None:
    """Give plugin/ the GUI's entry points (:mod:`plugin.gui_hooks`). Their modules are imported on first
    use, keeping start-up light."""

    def add_to_map(connection: Any, resource: Any, source: Any) -> Any:
        from .layer_loading import add_to_map as load

        return load(None, connection, resource, source)

    def add_reference_to_map(message_bar: Any, reference: Any) -> Any:
        from .layer_loading import add_reference_to_map as load

        return load(message_bar, reference)

    def open_export(connection: Any, resources: Any) -> Any:
        from .export_dialog import open_export_for

        return open_export_for(connection, resources)

    def notify_job_end(jobs: Any, job: Any) -> None:
        from .jobs_dock import notify_job_end as notify

        notify(jobs, job)

    gui_hooks.hooks.add_to_map = add_to_map
    gui_hooks.hooks.add_reference_to_map = add_reference_to_map
    gui_hooks.hooks.open_export = open_export
    gui_hooks.hooks.notify_job_end = notify_job_end
