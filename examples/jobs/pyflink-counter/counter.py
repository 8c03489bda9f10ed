"""The example PyFlink job: a keyed counter whose state must survive every upgrade.

One key, one ValueState count. Each process writes a small JSON file (--state-file) with the
current count and the first count it saw: a process restored from a savepoint sees first > 1,
one started empty sees first == 1, so state continuity is provable from outside the job.
"""
import argparse
import json
import os
import time

from pyflink.common import Configuration, Types
from pyflink.common.watermark_strategy import WatermarkStrategy
from pyflink.datastream import StreamExecutionEnvironment
from pyflink.datastream.connectors.number_seq import NumberSequenceSource
from pyflink.datastream.functions import KeyedProcessFunction, RuntimeContext
from pyflink.datastream.state import ValueStateDescriptor


class Count(KeyedProcessFunction):
    def __init__(self, state_file: str, tag: str):
        self.state_file = state_file
        self.tag = tag
        self.count = None
        self.first = None

    def open(self, runtime_context: RuntimeContext):
        self.count = runtime_context.get_state(ValueStateDescriptor("count", Types.LONG()))

    def process_element(self, value, ctx):
        n = (self.count.value() or 0) + 1
        self.count.update(n)
        if self.first is None:
            self.first = n
        if self.state_file:
            tmp = f"{self.state_file}.{os.getpid()}.tmp"
            with open(tmp, "w") as out:
                json.dump({"count": n, "first": self.first, "tag": self.tag}, out)
            os.replace(tmp, self.state_file)
        yield n


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--state-file", default="")
    parser.add_argument("--tag", default="")
    args, _ = parser.parse_known_args()

    config = Configuration()
    # One element per bundle: the Java side waits for each, so the sleep in the key selector
    # throttles the source and a checkpoint never waits for a long queue of elements.
    config.set_string("python.fn-execution.bundle.size", "1")
    env = StreamExecutionEnvironment.get_execution_environment(config)
    env.enable_checkpointing(2000)
    numbers = env.from_source(
        NumberSequenceSource(0, 2**62), WatermarkStrategy.no_watermarks(), "numbers"
    ).uid("numbers")
    pause = 1.0 / args.rate

    def throttled_key(_):
        # The throttle, so the job stays light on a shared machine: in the key selector, which
        # Flink chains to the unbounded, fast source. Throttling behind the shuffle instead let
        # the network buffers fill with records the counter drains at `rate`, and every
        # checkpoint barrier (a stop's savepoint too) waited behind them: ~45 s here, minutes on a
        # loaded machine, on Flink 1.20.
        time.sleep(pause)
        return 0

    counts = (
        numbers.key_by(throttled_key, key_type=Types.INT())
        .process(Count(args.state_file, args.tag), output_type=Types.LONG())
        .uid("count")
    )
    counts.filter(lambda _: False).print()
    env.execute()


if __name__ == "__main__":
    main()
