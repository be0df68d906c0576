"""Queue a task by its dotted path, so that services never import their tasks module.

Tasks import services (they take ids and call them); services must still queue tasks. Naming the
task by its path and resolving it at call time keeps the import graph one-way (tasks → services)
without a function-level import in every service (../shared/STYLE.md, "When an app grows").
"""

from django.utils.module_loading import import_string


def enqueue(task_path: str, *args, run_after=None, **kwargs):
    """Queue ``task_path`` (e.g. ``"relais.allocation.commissions.tasks.session_after_close"``).

    ``run_after`` (an aware datetime) defers the task when the backend can defer, and is
    ignored otherwise (the caller keeps a fallback, such as a periodic sweep). Returns the
    django-tasks ``TaskResult``, or None when a deferred run could not be queued.
    Raises ``ImportError`` for a path that names no task.
    """
    task = import_string(task_path)
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return None
        task = task.using(run_after=run_after)
    return task.enqueue(*args, **kwargs)
