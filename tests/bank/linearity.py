"""A guard against quadratic parsing: four times the input must not take sixteen times as long.

A ratio measured in one run, best of three, with a wide margin: the machine is shared and
noisy, so no absolute time is ever asserted. Absolute speed lives in benchmarks/. The time
is this process's CPU time, so time spent waiting for a core another job holds is not
counted; the garbage collector is paused while timing, because its passes over a heap four
times as large would be charged to the parser.
"""

import gc
import time


def best_of_three(parse, text: str) -> float:
    timings = []
    for _ in range(3):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            parse(text)
            timings.append(time.process_time() - start)
        finally:
            gc.enable()
    return min(timings)


def assert_linear(parse, make, n: int = 20000) -> None:
    """make(n) builds an input of size n; linear parsing gives a ratio near 4, quadratic 16."""
    small, large = best_of_three(parse, make(n)), best_of_three(parse, make(4 * n))
    assert large < 10 * small + 0.05, (small, large)
