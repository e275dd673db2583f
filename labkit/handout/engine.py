"""The papermill engine `labkit render` runs handouts with, registered through papermill's entry point
(`papermill.engine` in pyproject.toml).

papermill's nbclient engine opens a new kernel client for every notebook, and opening one waits for
the kernel with jupyter_client's `wait_for_ready`, which always idles 0.2 s flushing IOPub: a tenth
of a handout. This engine keeps the worker's client open from one school to the next, on the kernel
manager (`KeptKernelManager.kept_client`). nbclient matches replies to their request, so nothing from
the previous school is mistaken for this one's.
"""

from __future__ import annotations

from typing import Any

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, logger
from papermill.utils import merge_kwargs, remove_args

from labkit.handout.kernel import KeptKernelManager


class KeptClient(PapermillNotebookClient):
    """papermill's client, starting from the manager's kept client and leaving it there afterwards."""

    def __init__(self, nb_man: Any, km: Any = None, **kwargs: Any) -> None:
        super().__init__(nb_man, km=km, **kwargs)
        if isinstance(km, KeptKernelManager):
            self.kc = km.kept_client  # None for the first school: nbclient then opens it as usual

    def execute(self, **kwargs: Any) -> Any:
        try:
            return super().execute(**kwargs)
        finally:
            if isinstance(self.km, KeptKernelManager):
                self.km.kept_client = self.kc  # kept for the next school; `WarmKernel.fresh` closes it


class KeptClientEngine(NBClientEngine):
    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                 execution_timeout: int | None = None, **kwargs: Any) -> Any:
        # As papermill's own engine, with our client class.
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        return KeptClient(nb_man, **merge_kwargs(
            kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)).execute()
