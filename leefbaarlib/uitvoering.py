"""Execute step notebooks in a warm Jupyter kernel that is reused from notebook to notebook.

Starting a kernel and importing the scientific stack costs several seconds per notebook, more
than most steps compute. A :class:`WarmeKernel` starts one kernel and runs each notebook through
papermill in it (parameters, report mode and error handling exactly as papermill does them),
clearing the namespace, open figures, working directory and execution counter in between, so a
notebook sees the same state as in a fresh kernel apart from modules already imported.

A kernel that died or timed out is replaced before the next notebook; it is also replaced after
``max_notebooks`` notebooks so that a long batch cannot accumulate memory.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing.util
import os
import shutil
import tempfile
import threading
from pathlib import Path

from jupyter_core.utils import run_sync

from . import config

KERNEL_NAAM = "python3"
#: What the step notebooks import: a kernel may load it while it boots.
STAP_MODULES = ("leefbaarlib.onderzoek", "leefbaarlib.inzoomen", "leefbaarlib.actie",
                "leefbaarlib.resultaat")  # fmt: skip
ENGINE_NAAM = "leefbaar-warm"

# What a fresh kernel would not have: user variables, figures, output history, another working
# directory. (IPython's %reset does the same but also runs a full garbage collection each time,
# ~0.25 s with the scientific stack loaded; Python's own collector still runs as usual.)
_RESET = """\
def _leefbaar_reset():
    import os
    import matplotlib.pyplot as plt
    ip = get_ipython()
    plt.close("all")
    os.chdir({cwd!r})
    ns, verborgen = ip.user_ns, ip.user_ns_hidden
    for naam in [n for n in ns if n not in verborgen]:
        del ns[naam]
    ip.history_manager.reset(new_session=True)  # line numbers start again at 1
    for naam in ("_", "__", "___"):
        setattr(ip.displayhook, naam, "")
        ns[naam] = ""
    ip.execution_count = 1
_leefbaar_reset()  # it deletes itself with the other names
"""


def _registreer_engine() -> None:
    """A papermill engine that runs in a given kernel (manager and client) instead of its own."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    if ENGINE_NAAM in papermill_engines._engines:
        return

    class WarmeEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, km=None, kc=None,
                                     log_output=False, start_timeout=60,
                                     execution_timeout=None, **kwargs):  # fmt: skip
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log=logging.getLogger("papermill"),
                                 log_output=log_output)  # fmt: skip
            client = PapermillNotebookClient(nb_man, km=km, **final)
            client.kc = kc  # nbclient only starts a client when it has none
            return client.execute()

    papermill_engines.register(ENGINE_NAAM, WarmeEngine)


class WarmeKernel:
    """One Jupyter kernel, started on first use, reused for every notebook run through it."""

    def __init__(self, cwd: str | Path = config.NOTEBOOKS_DIR, max_notebooks: int = 200,
                 timeout: int | None = 1800, voorladen: tuple[str, ...] = ()):  # fmt: skip
        self.cwd = str(Path(cwd).resolve())
        # modules the kernel imports while it boots, in a throwaway namespace: the notebooks'
        # own imports then find them loaded, and the caller works in parallel meanwhile
        self.voorladen = tuple(voorladen)
        self.max_notebooks = max_notebooks
        self.timeout = timeout
        self.km = None
        self.kc = None
        self._ipc_map: str | None = None
        self.gereed = False  # the current kernel answered
        self.gedraaid = 0  # notebooks run in the current kernel
        self.starts = 0  # kernels started (for tests and the benchmark)

    # -- life cycle -------------------------------------------------------------------------
    def _start(self) -> None:
        # the asynchronous manager and client, as nbclient uses them: it watches for a dead
        # kernel in a task beside the one waiting for replies, which a blocking client would stall
        from jupyter_client.manager import AsyncKernelManager

        # local sockets instead of TCP ports: nothing listens on the network, and ipykernel has
        # no reason to warn about unencrypted TCP
        self._ipc_map = tempfile.mkdtemp(prefix="leefbaar-kernel-")
        self.km = AsyncKernelManager(kernel_name=KERNEL_NAAM, transport="ipc",
                                     ip=os.path.join(self._ipc_map, "ipc"))  # fmt: skip
        # the input history stays in memory: batch workers do not share ~/.ipython's database
        args = ["--HistoryManager.hist_file=:memory:"]
        if self.voorladen:
            code = (
                f"import importlib\nfor m in {list(self.voorladen)!r}: importlib.import_module(m)"
            )
            args.append(f"--IPKernelApp.exec_lines=exec({code!r}, {{}})")
        run_sync(self.km.start_kernel)(cwd=self.cwd, extra_arguments=args)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.gereed = False
        self.gedraaid = 0
        self.starts += 1

    def _wacht_op_start(self) -> None:
        if self.gereed:
            return
        try:
            run_sync(self.kc.wait_for_ready)(timeout=120)
        except RuntimeError:
            self.sluit()
            raise
        self.gereed = True

    def sluit(self) -> None:
        """Stop the kernel (also called at exit of the process)."""
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None and self.km.has_kernel:
            run_sync(self.km.shutdown_kernel)(now=True)
        self.km = self.kc = None
        if self._ipc_map:
            shutil.rmtree(self._ipc_map, ignore_errors=True)
            self._ipc_map = None

    def start(self) -> None:
        """Launch the kernel now, without waiting for it: it boots while the caller does other
        work, and the first notebook waits for it (a no-op when a kernel runs)."""
        if self.km is None:
            self._start()

    def __enter__(self) -> WarmeKernel:
        return self

    def __exit__(self, *exc) -> None:
        self.sluit()

    def _klaar_voor_volgende(self) -> None:
        """A live kernel with a clean namespace, or a new one."""
        if self.km is not None and (
            not run_sync(self.km.is_alive)() or self.gedraaid >= self.max_notebooks
        ):
            self.sluit()
        if self.km is None:
            self._start()
        if not self.gereed:  # a new kernel has a clean namespace
            self._wacht_op_start()
            return
        reply = run_sync(self.kc.execute_interactive)(
            _RESET.format(cwd=self.cwd), store_history=False, timeout=60,
            output_hook=lambda msg: None,
        )  # fmt: skip
        if reply["content"]["status"] != "ok":  # should not happen; a fresh kernel is certain
            self.sluit()
            self._start()

    # -- running ----------------------------------------------------------------------------
    def voer_uit(self, bron: str | Path, doel: str | Path, parameters: dict) -> None:
        """Run notebook ``bron`` with ``parameters`` into ``doel`` (papermill semantics: a cell
        error raises ``PapermillExecutionError`` after the notebook with the error is written)."""
        import papermill as pm
        from papermill.exceptions import PapermillExecutionError

        _registreer_engine()
        self._klaar_voor_volgende()
        self.gedraaid += 1
        try:
            pm.execute_notebook(
                str(bron), str(doel), parameters=parameters, engine_name=ENGINE_NAAM,
                kernel_name=KERNEL_NAAM, km=self.km, kc=self.kc, progress_bar=False,
                report_mode=True, log_output=False, execution_timeout=self.timeout,
                request_save_on_cell_execute=False,
            )  # fmt: skip
        except PapermillExecutionError:
            raise  # an error in a cell: the kernel itself is fine
        except BaseException:
            # dead kernel, timeout, interrupted: this kernel's state is unknown
            self.sluit()
            raise


_lokaal = threading.local()


def kernel_van_proces() -> WarmeKernel:
    """The warm kernel of this thread (batch workers keep one for all their gemeenten).

    It is shut down when the process ends, including worker processes of a process pool, which
    run multiprocessing's finalizers but not ``atexit``.
    """
    k = getattr(_lokaal, "kernel", None)
    if k is None:
        k = _lokaal.kernel = WarmeKernel(voorladen=STAP_MODULES)
        atexit.register(k.sluit)
        multiprocessing.util.Finalize(k, k.sluit, exitpriority=10)
    return k
