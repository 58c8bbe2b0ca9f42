"""The GitHub Actions workflows: valid against the workflow schema (check-jsonschema's copy of
SchemaStore's; actionlint itself does not install without reaching GitHub), every shell step
parses, step outputs refer to steps that exist, and the publish workflow does what the monthly
publication needs. .ci/validate-extracts, its first check, is run for real."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml

from jobtal import paths
from tests.tiny_extract import spells_with, write_tiny_package

WORKFLOWS = paths.REPO / ".github" / "workflows"
NAMES = ["publish.yml", "test.yml"]


def load(name: str) -> dict:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True)  # YAML 1.1 reads the key `on` as true
    return workflow


def steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, job, step


def test_workflows_match_the_schema():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *(str(WORKFLOWS / name) for name in NAMES),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", NAMES)
def test_every_shell_step_parses_and_takes_no_expression_inline(name):
    for job_name, _, step in steps(load(name)):
        if "run" not in step:
            continue
        # values from ${{ }} go through env:, never pasted into the script (script injection)
        assert "${{" not in step["run"], (job_name, step["run"])
        parsed = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True)
        assert parsed.returncode == 0, (job_name, step["run"], parsed.stderr)


@pytest.mark.parametrize("name", NAMES)
def test_step_outputs_refer_to_steps_of_the_same_job(name):
    workflow = load(name)
    for job_name, job in workflow["jobs"].items():
        ids = {step["id"] for step in job.get("steps", []) if "id" in step}
        text = yaml.safe_dump(job)
        for referenced in re.findall(r"steps\.([\w-]+)\.outputs", text):
            assert referenced in ids, (job_name, referenced)
        for _, _, step in steps({"jobs": {job_name: job}}):
            if "uses" in step:
                assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_publish_runs_monthly_validates_builds_tests_and_deploys():
    workflow = load("publish.yml")
    assert "schedule" in workflow["on"] and "workflow_dispatch" in workflow["on"]
    [cron] = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert cron.split()[2:] == ["12", "*", "*"]  # once a month
    build = workflow["jobs"]["build"]
    runs = [step.get("run", "") for step in build["steps"]]
    order = [
        next(i for i, run in enumerate(runs) if needle in run)
        for needle in (
            ".ci/validate-extracts",
            "jobtal fetch-releases",
            "jobtal build",
            "make test",
        )
    ]
    assert order == sorted(order), "validate, fetch, build, test: in that order"
    assert "--previous build/previous" in runs[order[2]]
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "build/site"
    assert any(s.get("uses", "").startswith("actions/cache") for s in build["steps"])
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["permissions"] == {"contents": "read"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


INTERNAL_EXAMPLE = paths.REPO / "docs" / "examples" / "internal-weekly.yml"


def test_the_weekly_internal_example_stays_on_the_intranet():
    """The internal edition's example workflow (issue 22): valid, weekly on Monday mornings, on
    a self-hosted runner, and nothing it builds is uploaded or deployed anywhere."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         str(INTERNAL_EXAMPLE)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(INTERNAL_EXAMPLE.read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True)
    [cron] = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert cron.split()[4] == "1"  # Mondays
    [job] = workflow["jobs"].values()
    assert "self-hosted" in job["runs-on"]
    uses = [step.get("uses", "") for step in job["steps"]]
    assert not [u for u in uses if "upload" in u or "deploy" in u]
    assert any("jobtal internal" in step.get("run", "") for step in job["steps"])


def test_the_publish_workflow_never_builds_the_internal_edition():
    text = (WORKFLOWS / "publish.yml").read_text(encoding="utf-8")
    assert "internal" not in text


def test_tests_run_on_every_push_and_pull_request():
    workflow = load("test.yml")
    assert set(workflow["on"]) == {"push", "pull_request"}
    runs = [step.get("run", "") for _, _, step in steps(workflow)]
    assert ".ci/run" in runs
    assert "make test" in (paths.REPO / ".ci" / "run").read_text(encoding="utf-8")


def validate_extracts(package, summary):
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    script = paths.REPO / ".ci" / "validate-extracts"
    return subprocess.run(
        [str(script), str(package)], capture_output=True, text=True, env=env, cwd=paths.REPO
    )


def test_invalid_extracts_put_their_report_in_the_job_summary(tmp_path):
    bad = "xqs-e1,xqp-E1,101,dagpenge,2024-03-01,2024-02-01,1,K,1990,"
    package = write_tiny_package(tmp_path / "x", replace={"benefit_spells": spells_with(bad)})
    summary = tmp_path / "summary.md"
    result = validate_extracts(package, summary)
    assert result.returncode == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## The extracts are invalid: nothing was published")
    assert "benefit_spells" in text and "end_date" in text and "2024-02-01" in text
    assert "end_date" in result.stdout  # and in the log


def test_valid_extracts_say_so_in_the_job_summary(tiny_package, tmp_path):
    summary = tmp_path / "summary.md"
    result = validate_extracts(tiny_package, summary)
    assert result.returncode == 0, result.stdout
    assert "are valid" in summary.read_text(encoding="utf-8")


def test_unusable_extracts_exit_2(tmp_path):
    summary = tmp_path / "summary.md"
    result = validate_extracts(tmp_path / "nothing-here", summary)
    assert result.returncode == 2
    assert "invalid" in summary.read_text(encoding="utf-8")
