"""``--format junit``: JUnit XML, one test case per checked array, for CI test-report views."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from ..judge.findings import Report, Severity
from ..text import visible

# XML 1.0 cannot carry most control characters at all: they are written as visible escapes.


def check_junit(report: Report, fail_on: Severity = Severity.ERROR) -> str:
    suite = ET.Element("testsuite", name="lstmdiag", tests=str(len(report.files)))
    failures = 0
    for row in report.files:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=visible(f"lstmdiag.{row.input or 'unmapped'}"),
            name=visible(row.label),
        )
        mine = [f for f in report.findings if f.path == row.path and f.key == row.key]
        failing = [f for f in mine if f.severity.rank >= fail_on.rank]
        if failing:
            failures += 1
            first = failing[0]
            failure = ET.SubElement(
                case, "failure", type=first.kind.value, message=visible(first.message)
            )
            failure.text = "\n".join(
                visible(f"{f.severity.value} {f.kind.value}: {f.message}")
                + (f"\nfix: {visible(f.fix)}" if f.fix else "")
                for f in failing
            )
        rest = [f for f in mine if f not in failing]
        if rest:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(
                visible(f"{f.severity.value} {f.kind.value}: {f.message}") for f in rest
            )
    general = report.general()
    for f in general:  # a missing input, the model file: a test case of their own
        case = ET.SubElement(
            suite,
            "testcase",
            classname="lstmdiag.judge.dataset",
            name=visible(f"{f.label}: {f.kind.value}" + (f" ({f.input})" if f.input else "")),
        )
        text = visible(f"{f.severity.value} {f.kind.value}: {f.message}") + (
            f"\nfix: {visible(f.fix)}" if f.fix else ""
        )
        if f.severity.rank >= fail_on.rank:
            failures += 1
            failure = ET.SubElement(case, "failure", type=f.kind.value, message=visible(f.message))
            failure.text = text
        else:
            ET.SubElement(case, "system-out").text = text
    tests = str(len(report.files) + len(general))
    suite.set("tests", tests)
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suites = ET.Element(
        "testsuites",
        name="lstmdiag",
        tests=tests,
        failures=str(failures),
        errors="0",
    )
    suites.append(suite)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
