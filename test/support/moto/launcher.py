"""moto server launcher for the test suite and .ci/run.

Usage: python3 test/support/moto/launcher.py -H 127.0.0.1 -p PORT
Set MOTO_PORT=PORT as well: moto's Step Functions interpreter calls Lambda back on that port.

Why not plain `python3 -m moto.server`: we need Step Functions to really execute ASL, Lambda must not
try Docker, and moto 5.2.1 crashes on the second StartExecution (deepcopy reaches worker threads'
RLocks) unless Execution.__deepcopy__ is neutralised. See ../../../../shared/aws-local.md.
"""
import sys

from moto.core.config import default_user_config
from moto.stepfunctions.parser.backend.execution import Execution

default_user_config["stepfunctions"] = {"execute_state_machine": True}  # really run ASL
default_user_config["lambda"] = {"use_docker": False}  # no Docker on these machines
Execution.__deepcopy__ = lambda self, memo: self  # moto 5.2.1 bug workaround

from moto.server import main  # noqa: E402  (import after patching)

if __name__ == "__main__":
    main(sys.argv[1:])
