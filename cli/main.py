"""The `reelqa` console script: index, ask, eval, serve, bot, report."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from cli import output
from rag.errors import IndexDamagedError, ReelqaError

# Plain help (rich_markup_mode=None): Typer's rich help labels every flag `<bool>` as if it took a value.
app = typer.Typer(help="Cited answers from the indexed documents.", no_args_is_help=True,
                  pretty_exceptions_enable=False, add_completion=False, rich_markup_mode=None)
index_app = typer.Typer(help="Build, update, inspect and roll back the index.", no_args_is_help=True,
                        rich_markup_mode=None)
app.add_typer(index_app, name="index")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON instead of text.")]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"reelqa {version('reelqa')}")
        except PackageNotFoundError:
            print("reelqa (not installed as a package)")
        raise typer.Exit()


@app.callback()
def main(_version_flag: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                     help="Print the version and exit.")] = False) -> None:
    """Cited answers from the indexed documents."""


def _components(warn_missing: bool = True):
    import logging

    from cli.compose import Components
    from rag.settings import load_settings

    settings = load_settings()
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    logging.getLogger("reelqa").setLevel(settings.log_level.upper())
    if warn_missing:
        output.warn_missing_inputs(settings)
    return Components(settings)


def _loaded_service(parts, open_index: bool = True):
    """The service with its models loaded (and the index opened), behind a spinner on a terminal."""
    with output.spinner("Loading the language models and the index…"):
        service = parts.service
        if open_index:
            service.view()
    return service


def _warmed_service(parts):
    """For a server: the models and the live index loaded at the same time (the index in a second thread).

    No index yet, or a damaged pointer, is not an error here: the server starts and /readyz says why (the first
    request loads the index again and reports its error).
    """
    with output.spinner("Loading the language models and the index…"):
        index = parts.load_live_index()
        service = parts.service
        if parts.multilingual is not None:
            parts.multilingual.embed(["warm up"])  # its weights load on first use: now, beside the index
        if index.exception() is None:  # else the first request loads the index again and reports its error
            service.use_view(index.result())
    return service


@index_app.command("update")
def index_update(as_json: JsonOpt = False) -> None:
    """Embed only new or changed chunks, drop removed ones, switch to the result atomically."""
    _write_index(full=False, as_json=as_json)


@index_app.command("rebuild")
def index_rebuild(as_json: JsonOpt = False) -> None:
    """Re-embed the whole corpus into a new version, check it, then switch to it atomically."""
    _write_index(full=True, as_json=as_json)


def _write_index(full: bool, as_json: bool) -> None:
    from cli.progress import build_progress

    parts = _components(warn_missing=False)
    with build_progress(as_json) as progress:
        report = parts.reindex(full=full, progress=progress)
    output.update_report(report, as_json)


@index_app.command("rollback")
def index_rollback(as_json: JsonOpt = False) -> None:
    """Return to the previous index version (serving processes follow without a restart)."""
    version = _components().versions.rollback()
    output.emit({"current": version}, as_json, f"rolled back; live version is now {version}")


@index_app.command("status")
def index_status(as_json: JsonOpt = False) -> None:
    """Live version, documents, chunks, embedding model, build time and corpus drift."""
    from index.status import index_status as read_status

    parts = _components()
    status = read_status(parts.versions, parts.settings.corpus_dir)
    output.status(status, as_json)
    if status.version is None:
        raise typer.Exit(3)  # documented: 3 = there is no index


@app.command()
def ask(question: Annotated[str, typer.Argument(help="The question, in quotes.")],
        top_k: Annotated[int | None, typer.Option(min=1, max=20, help="Most citations to return.")] = None,
        as_json: JsonOpt = False) -> None:
    """Answer one question with numbered, verified citations (or say the documents don't cover it)."""
    from rag.service import validate_question
    from rag.settings import load_settings

    validate_question(question, load_settings().max_question_chars)
    parts = _components()
    output.answer(_loaded_service(parts).ask(question, top_k=top_k), as_json)


@app.command("eval")
def evaluate(gold: Annotated[list[Path], typer.Argument(help="JSONL gold sets (see shared/eval/README.md); "
                                                          "with two or more, the gap between first and last.")],
             as_json: JsonOpt = False,
             check: Annotated[bool, typer.Option("--check", help="Exit 1 if below the target thresholds.")] = False,
             targets: Annotated[str, typer.Option(help="Target preset: 'dev' (shared dev set) or 'half' "
                                                       "(a development-corpus half).")] = "dev",
             max_gap: Annotated[float | None, typer.Option(help="With --check, most the first set may "
                                                                   "beat the last by (answer/abstain).")] = None,
             verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Also list a check set's wrong "
                                                                           "questions (hidden by default).")] = False,
             ) -> None:
    """Run gold sets in-process: accuracy, support, hit@k, MRR, abstention, quote validity, and the gap."""
    from rag.evaluate import TARGETS, failures, gap, gap_failures, load_gold
    from rag.evaluate import evaluate as run_eval

    if targets not in TARGETS:
        raise typer.BadParameter(f"--targets must be one of {', '.join(TARGETS)}")
    sets = [(path, load_gold(path)) for path in gold]
    parts = _components()
    if parts.versions.current() is None:  # a fresh checkout: build the index first, as `make run` does
        from cli.progress import build_progress

        typer.echo(f"reelqa: no index yet: building one from {parts.settings.corpus_dir} first", err=True)
        with build_progress(as_json) as progress:
            parts.reindex(progress=progress)
    service = _loaded_service(parts)
    results, missed = {}, []
    for path, items in sets:
        summary = run_eval(items, service.ask, parts.settings.corpus_dir,
                           lambda doc_id: service.document(doc_id)[1])
        if "check" in path.stem.lower() and not verbose:
            summary["wrong"] = []  # never look at a check set's individual failures (no tuning on it)
        results[path.name] = summary
        missed += [f"{path.name}: {m}" for m in failures(summary, targets)]
    gaps = gap(results[gold[0].name], results[gold[-1].name]) if len(gold) >= 2 else {}
    if gaps and max_gap is not None:
        missed += gap_failures(gaps, max_gap)
    output.eval_summaries(results, gaps, missed, as_json)
    if check and missed:
        raise typer.Exit(1)


@app.command()
def fit(specs: Annotated[list[str], typer.Argument(help="CORPUS_DIR=GOLD.jsonl[,GOLD.jsonl...]: tuning gold "
                                                        "sets and the corpus they ask about.")],
        as_json: JsonOpt = False) -> None:
    """Fit the answer weights on tuning sets, calibrate the abstention threshold, write rag/data/combiner.json."""
    import tempfile

    from cli.compose import Components
    from rag.combiner import WEIGHTS_FILE
    from rag.evaluate import load_gold
    from rag.fit import collect, fit_and_calibrate, refuse_check_sets

    base = _components()
    samples = []
    for spec in specs:
        corpus, _, golds = spec.partition("=")
        paths = [Path(p) for p in golds.split(",") if p]
        if not paths:
            raise typer.BadParameter(f"{spec!r}: write CORPUS_DIR=GOLD.jsonl[,GOLD.jsonl]")
        refuse_check_sets(paths)
        with tempfile.TemporaryDirectory() as tmp:
            settings = base.settings.model_copy(update={"corpus_dir": Path(corpus), "data_dir": Path(tmp)})
            parts = Components(settings)
            parts.__dict__["embedder"] = base.embedder  # one loaded model for every corpus
            parts.__dict__["multilingual"] = base.multilingual
            parts.reindex(full=True)
            for path in paths:
                samples += collect(load_gold(path), parts.service)
    combiner, report = fit_and_calibrate(samples)
    combiner.save(WEIGHTS_FILE)
    output.emit(report, as_json, f"wrote {WEIGHTS_FILE}: " + ", ".join(f"{k}={v}" for k, v in report.items()))


@app.command()
def serve(host: Annotated[str | None, typer.Option(help="Bind address (REELQA_HOST).")] = None,
          port: Annotated[int | None, typer.Option(help="Port (REELQA_PORT).")] = None,
          with_bot: Annotated[bool, typer.Option("--with-bot", help="Also run the Discord bot.")] = False,
          build: Annotated[bool, typer.Option(help="Build the index first if there is none.")] = True) -> None:
    """Serve the HTTP API and web page (optionally the Discord bot too, sharing one model and index)."""
    import asyncio

    from cli.runner import check_port, require_bot_token, run_services

    parts = _components()
    host, port = host or parts.settings.host, port or parts.settings.port
    check_port(host, port)  # before loading models: a busy port is one line, at once
    if with_bot:
        require_bot_token(parts)
    try:
        missing = parts.versions.current() is None
    except IndexDamagedError as exc:  # serve anyway: /readyz says 503 and why until the index is repaired
        output.info(f"warning: {exc}")
        missing = False
    if build and missing:
        output.info("no index yet: building it from " + str(parts.settings.corpus_dir))
        _write_index(full=True, as_json=False)
    _warmed_service(parts)  # a server may start before the index exists (/readyz says so)
    output.info(f"serving on http://{host}:{port}/ (press Ctrl+C to stop)")
    asyncio.run(run_services(parts, host, port, with_bot))


@app.command()
def bot() -> None:
    """Run the Discord bot (reads DISCORD_TOKEN from the environment or .env)."""
    import asyncio

    from cli.runner import run_bot_only

    asyncio.run(run_bot_only(_components()))


@app.command()
def report(limit: Annotated[int, typer.Option(min=1, help="Most rows.")] = 20, as_json: JsonOpt = False) -> None:
    """Questions most often unanswered or marked unhelpful (HTTP and Discord): the corpus's gaps."""
    output.gaps(_components().feedback.report(limit), as_json)


def run() -> None:
    """Console-script entry: every ReelqaError becomes one line on stderr and a non-zero exit."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        app()
    except ReelqaError as exc:
        print(f"reelqa: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a file the data folder or corpus needs can't be used: one line, never a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"reelqa: error: {where}{exc.strerror or exc}; check that it exists and its permissions",
              file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("reelqa: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        from cli.progress import interrupted

        if not interrupted(exc):  # Ctrl-C inside library code may surface as another error: still Ctrl-C
            raise
        print("reelqa: interrupted", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    run()
