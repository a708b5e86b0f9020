"""moto server launcher for the test suite and .ci/run.

Usage: python3 test/support/moto/launcher.py -H 127.0.0.1 -p PORT
Set MOTO_PORT=PORT as well: moto's Step Functions interpreter calls Lambda back on that port.

Why not plain `python3 -m moto.server`: we need Step Functions to really execute ASL, Lambda must not
try Docker, and moto 5.2.1 crashes on the second StartExecution (deepcopy reaches worker threads'
RLocks) unless Execution.__deepcopy__ is neutralised. See ../../../../shared/aws-local.md.

DynamoDB writes are serialised: moto's server handles requests on threads and checks a condition
expression, then writes, without a lock, so two concurrent conditional writes can both succeed. Real
DynamoDB applies each conditional write atomically; leases and optimistic versions rely on that.
"""
import functools
import sys
import threading

from moto.core.config import default_user_config
from moto.stepfunctions.parser.backend.execution import Execution

default_user_config["stepfunctions"] = {"execute_state_machine": True}  # really run ASL
default_user_config["lambda"] = {"use_docker": False}  # no Docker on these machines
Execution.__deepcopy__ = lambda self, memo: self  # moto 5.2.1 bug workaround

from moto.dynamodb.models import DynamoDBBackend  # noqa: E402

_dynamodb_writes = threading.RLock()


def _atomic(method):
    @functools.wraps(method)
    def serialised(*args, **kwargs):
        with _dynamodb_writes:
            return method(*args, **kwargs)

    return serialised


for _name in ("put_item", "update_item", "delete_item", "batch_write_item", "transact_write_items"):
    setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))

from moto.server import main  # noqa: E402  (import after patching)

if __name__ == "__main__":
    main(sys.argv[1:])
