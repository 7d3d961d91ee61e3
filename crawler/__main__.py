"""`python -m crawler --sources FILE …`: the crawl process that `run_crawl` starts
(its options are those of `crawler.run.main`).

This module imports nothing at its top level, on purpose. multiprocessing's fork
server makes every process it starts (the stage workers, the shared tagger's
server) import the main module of the process that asked for it, as `__mp_main__`.
With `crawler.run` as the main module each worker imported Scrapy, Twisted, SciPy
and the archive backends, about 100 MB a worker that no stage uses. Here the
import of `crawler.run` runs only as `__main__`.
"""

import sys

if __name__ == "__main__":
    from crawler.run import main  # only as __main__, never in a worker: see above

    sys.exit(main())
