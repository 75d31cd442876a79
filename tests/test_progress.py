from io import StringIO

from rich.console import Console

from tracebridge.progress import console_progress, stage_reporter


def test_stage_reporter_adds_what_each_call_just_did() -> None:
    with console_progress(Console(file=StringIO())) as progress:
        report = stage_reporter(progress, "simulating ")
        report("calls", 2000, 5000)
        report("calls", 2000, 5000)
        report("complaints", 600, 600)
        tasks = {task.description: task for task in progress.tasks}
    assert set(tasks) == {"simulating calls", "simulating complaints"}
    assert (tasks["simulating calls"].completed, tasks["simulating calls"].total) == (4000, 5000)
    assert tasks["simulating complaints"].finished
