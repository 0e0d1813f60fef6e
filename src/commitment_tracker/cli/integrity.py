"""verify and checkpoint: prove the log was not rewritten."""

from __future__ import annotations

import click

from commitment_tracker.cli.context import Context, pass_context
from commitment_tracker.cli.output import emit_json, note


@click.command()
@click.option("--against", metavar="DIGEST", help="A checkpoint digest the log must still extend.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_context
def verify(app: Context, against: str | None, as_json: bool) -> None:
    """Check the integrity of the whole log: exit 1 naming the first broken event."""
    from commitment_tracker.tracker.integrity import parse_digest, verify as verify_log

    try:
        expected = parse_digest(against) if against is not None else None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--against") from None
    from commitment_tracker.projections.view.check import ViewCheck

    from commitment_tracker.cli.output import progress

    check = ViewCheck(app.tracker)  # fed by the log check: the log is read once for both
    try:
        with progress("Verifying", app.tracker.count()) as advance:
            report = verify_log(app.tracker, expected, each=check.feed, advance=advance)
        if report.key_problem:
            raise click.ClickException(report.key_problem)  # the key is wrong: say nothing about the log
        view = check.finish() if report.ok else None
        if as_json:
            emit_json(report.to_data() | ({"view_check_seconds": round(check.seconds, 3), "view_events": check.events}
                                          if report.ok else {}))  # fmt: skip
        if not report.ok:
            raise click.ClickException(f"verification failed: {report.problem}")
    finally:
        check.close()
    if view is not None:
        raise click.ClickException(f"verification failed: the log is intact but the status view is not: {view}; "
                                   "run `ctrack rebuild`")  # fmt: skip
    from commitment_tracker.projections.view.initialise import loose_writers

    loose = [role for role, _ in loose_writers(app.tracker)]
    if loose:
        # Said, not failed: the log and the view check out; the store's grants are an earlier
        # release's, which only its owner can change.
        note(f"Warning: {', '.join(loose)} may rewrite or empty the status view, not only as catch-up does "
             "(as an earlier release let recorders): run `ctrack store init` as the store's owner to take that back")  # fmt: skip
    if not as_json:
        extends = f"; extends checkpoint {against}" if against else ""
        click.echo(f"OK: {report.count} events in {report.streams} streams verified; "
                   f"digest sha256:{report.digest} (v{report.digest_version}){extends}; "
                   f"log checked in {report.seconds:.2f} s{_view_said(check.events, report.count, check.seconds)}")  # fmt: skip


def _view_said(checked: int, events: int, seconds: float) -> str:
    """How much of the status view verify checked: none there yet (no query has read the store), the
    whole log's, or the part it has caught up with (the next query catches up the rest)."""
    if checked == 0 and events:
        return "; no status view yet (the next query builds it)"
    if checked < events:
        return f", view (its first {checked} of {events} events) in {seconds:.2f} s"
    return f", view in {seconds:.2f} s"


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checkpoint as JSON.")
@pass_context
def checkpoint(app: Context, as_json: bool) -> None:
    """The log's current digest and event count, to anchor outside the store."""
    from commitment_tracker.tracker.integrity import checkpoint as current

    point = current(app.tracker)
    # v2: over the canonical events, the same in every store; v1: over an earlier release's ciphertext.
    if as_json:
        emit_json({"digest": str(point), "events": point.count, "digest_version": point.version})
    else:
        click.echo(f"{point} {point.count} events (digest v{point.version})")


@click.command()
def keygen() -> None:
    """Print a new random key for TRACKER_CIPHER_KEY (encryption at rest). Keep it outside the store."""
    from eventsourcing.cryptography import AESCipher

    click.echo(AESCipher.create_key(num_bytes=32))


COMMANDS = [verify, checkpoint, keygen]
