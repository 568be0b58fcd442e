"""How fast a large GIFT file imports, and whether the cost grows linearly.

Generates N synthetic questions of every gradable GIFT type, then times parsing alone
and a full `import_result` into a fresh SQLite database, at N and N/4. Reports
questions per second and the ratio time(N)/time(N/4): about 4 means linear, 16 would
be quadratic. Run: .venv/bin/python benchmarks/import_gift.py [N]
"""

import sys
import tempfile
import time
from pathlib import Path

from certprep import create_app
from certprep.bank import formats
from certprep.bank.importer import import_result
from certprep.extensions import db

TEMPLATES = [
    "// [id:q{n}-mc] [tag:bench]\n::Q{n} choice:: Question {n}: which is right? "
    "{{=right {n}#Yes ~wrong {n}#No ~other {n}#No ~another {n}#No ####Because {n}.}}",
    "// [id:q{n}-mr]\nQuestion {n}: select all that apply. "
    "{{~%50%first ~%50%second ~%-100%third ~%-100%fourth}}",
    "// [id:q{n}-tf]\nStatement {n} is true. {{TRUE#Not quite.#Right.}}",
    "// [id:q{n}-num]\nHow many mg in dose {n}? {{#{n}:0.5}}",
    "// [id:q{n}-sa]\nName drug {n}. {{=naloxone =narcan}}",
    "// [id:q{n}-match]\nMatch set {n}. {{=a{n} -> one =b{n} -> two =c{n} -> three}}",
]


def gift_file(count: int) -> str:
    return "\n\n".join(TEMPLATES[i % len(TEMPLATES)].format(n=i) for i in range(count))


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def run(count: int) -> dict:
    text = gift_file(count)
    parse_seconds, result = timed(lambda: formats.parse(text, format="gift"))
    assert not result.errors and len(result.questions) == count
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'b.sqlite'}",
                          "SECRET_KEY": "benchmark"})
        with app.app_context():
            db.create_all()

            def load():
                import_result(result, title="Benchmark")
                db.session.commit()

            import_seconds, _ = timed(load)
            db.engine.dispose()
    return {"n": count, "parse_s": parse_seconds, "import_s": import_seconds}


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    small, large = run(count // 4), run(count)
    for row in (small, large):
        print(f"{row['n']:>6} questions: parse {row['parse_s']:.2f} s "
              f"({row['n'] / row['parse_s']:,.0f}/s), parse+import "
              f"{row['parse_s'] + row['import_s']:.2f} s "
              f"({row['n'] / (row['parse_s'] + row['import_s']):,.0f}/s)")
    ratio = (large["parse_s"] + large["import_s"]) / (small["parse_s"] + small["import_s"])
    print(f"time({count}) / time({count // 4}) = {ratio:.1f} (4 is linear, 16 quadratic)")


if __name__ == "__main__":
    main()
