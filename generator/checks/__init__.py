"""The publishing-rules checker: the last stage of `newsdesk run` and the `newsdesk check` CI tool.

Load the rules once (`load_rules`), build one `Checker` per process, then check any number of articles:

    rules = load_rules()
    checker = Checker(rules)
    result = checker.check(text, path="x.md", sidecar=sidecar, read_source=read)
    result.report  # models.ArticleReport
    result.fixed_text  # low-information tables removed, every other byte identical
"""

from generator.checks.config import Rules, load_rules
from generator.checks.engine import Checker, CheckResult

__all__ = ["CheckResult", "Checker", "Rules", "load_rules"]
