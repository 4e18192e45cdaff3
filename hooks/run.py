"""Entry point behind hooks/run: ``run.py EVENT`` runs a hook, ``run.py cli ARGS`` the command line, and
``run.py worker`` the detached worker (``memory.worker.start_detached``).

Whatever the working directory (Claude Code's is the user's project, which may hold its own ``memory.py``), the
plugin root is put first on ``sys.path``: every process of ours is started through this file, never with
``python -m`` from the project.

Kept free of modern syntax so that an old interpreter gets as far as the version check and exits 0.
"""
import os
import sys

MIN_VERSION = (3, 10)


def _too_old():
    try:
        from memory.paths import data_home  # the one data-folder lookup; an interpreter too old to import it logs nothing

        home = data_home()
        if not os.path.isdir(home):
            os.makedirs(home, 0o700)
        with open(os.path.join(home, "launcher.log"), "a") as log:
            log.write("compound-memory needs Python %d.%d or newer; %s is %s: hooks skipped\n"
                      % (MIN_VERSION + (sys.executable, sys.version.split()[0])))
    except Exception:
        pass


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if sys.version_info < MIN_VERSION:
        _too_old()
        sys.exit(0)
    args = sys.argv[1:]
    if args[:1] == ["worker"]:  # started without -S: site-packages are already on sys.path
        from memory.worker import main as worker_main

        sys.exit(worker_main(args[1:]))
    if args[:1] == ["cli"]:
        import site  # hooks/run starts Python with -S; the CLI wants its installed packages

        site.main()
        from memory.cli import main as cli_main

        sys.exit(cli_main(args[1:]))
    from memory.hooks.runtime import main as hook_main

    code = hook_main(args[0] if args else "")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown and SQLite's checkpoint-on-close (see runtime.main)
