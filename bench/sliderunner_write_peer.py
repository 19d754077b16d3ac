"""The Python peer for bench/sliderunner-write.ts.

Writes the same rows into the same schema as slidepack's SlideRunner writer, the way a Python
user would: the stdlib sqlite3 module, SlideRunner's three functions registered, one
transaction, and executemany over generators. Prints one JSON line with the timing.

usage: python3 sliderunner_write_peer.py <statements.json> <out.sqlite> <annotations>
"""

import json
import os
import random
import sqlite3
import sys
import time
import uuid


def random_color():
    return '#%02x%02x%02x' % tuple(random.randrange(30, 255) for _ in range(3))


def main():
    statements = json.load(open(sys.argv[1]))
    path = sys.argv[2]
    count = int(sys.argv[3])
    if os.path.exists(path):
        os.remove(path)

    started = time.perf_counter()
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in statements['pragmas']:
        db.execute(pragma)
    db.create_function('generate_uuid', 0, lambda: str(uuid.uuid4()))
    db.create_function('pycurrent_time', 0, time.time)
    db.create_function('randcolor', 0, random_color)
    for sql in statements['create']:
        db.execute(sql)

    db.execute('BEGIN')
    slides = statements['slides']
    db.executemany(statements['slide'], ((i + 1, name, None, None, None, None, None, 0)
                                         for i, name in enumerate(slides)))
    db.executemany(statements['class'], [(1, 'mitotic figure', '#fc7ca7', 1),
                                         (2, 'not mitotic figure', '#c5b6b2', 1)])
    db.executemany(statements['person'], [(1, 'expert 1', 0), (2, 'expert 2', 0)])

    def slide_of(i):
        return i % len(slides) + 1

    db.executemany(statements['annotation'],
                   ((i + 1, slide_of(i), None, None, 0, 1, i % 2 + 1, None, 1)
                    for i in range(count)))
    db.executemany(statements['coordinate'],
                   ((i % 100000, i // 100000, 0, slide_of(i), i + 1, 1) for i in range(count)))
    db.executemany(statements['label'],
                   ((None, 1 + k, (i + k) % 2 + 1, None, i + 1)
                    for i in range(count) for k in (0, 1)))
    for sql in statements['triggers']:
        db.execute(sql)
    db.execute(statements['version'])
    db.execute('COMMIT')
    db.close()
    seconds = time.perf_counter() - started
    print(json.dumps({'seconds': seconds, 'rows': count * 4, 'annotations': count}))


if __name__ == '__main__':
    main()
