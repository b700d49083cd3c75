"""The `mulu` commands staff use between nights: review, init, site, check, report monthly and query.
Each takes the parsed arguments (flows/cli.py) and returns the exit code; errors become messages."""

import sys
from pathlib import Path


def review(args) -> int:
    from flows.review import export_review, import_review

    if args.action == "export":
        count = export_review(Path(args.warehouse), Path(args.file))
        print(f"待核对事项 {count} 条，已写入 {args.file}。请在'决定'列选择后用 mulu review import 导入。")
        return 0
    if args.action == "rules":
        return _rules(args)
    counts, problems = import_review(Path(args.warehouse), Path(args.file), args.by,
                                     Path(args.reference) if args.reference else None, args.rule_answers)
    if problems:
        print("核对表有问题，未导入任何决定。请一次性修改以下各项后重新导入：", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"已导入：新决定 {counts['new']} 条，修改 {counts['changed']} 条，未变 {counts['unchanged']} 条。"
          "下次 mulu refresh 起生效。")
    for word in counts["rules"]["made"]:
        print(f"  新规则：{word.describe()}不区分事项（{args.rule_answers} 条以上核对结果一致），下次运行起自动匹配")
    for word in counts["rules"]["retired"]:
        print(f"  规则停用：{word.describe()}（有核对结果与之相反），下次运行起按它匹配的事项重新待核对")
    return 0


def _rules(args) -> int:
    from flows.review import review_rules

    rules, removed = review_rules(Path(args.warehouse), args.remove, args.by)
    if args.remove and not removed:
        print(f"没有生效中的'{args.remove}'规则。", file=sys.stderr)
        return 2
    for word in removed:
        print(f"已停用规则：{word.describe()}，下次运行起生效")
    if rules.empty:
        print("还没有由核对结果生成的规则。")
    for rule in rules.itertuples(index=False):
        print(f"  [{rule.状态}] {rule.类型}'{rule.词}'：{rule.依据的核对数} 条核对（{rule.核对人}）" +
              (f"，{rule.停用原因}" if rule.状态 == "已停用" else ""))
    return 0


def init(args) -> int:
    from warehouse.reference import init_reference, load_reference
    from warehouse.reports.district_guide import write_district_guide

    written, kept = init_reference(Path(args.dir))
    for path in written:
        print(f"已写入：{path}")
    for path in kept:
        print(f"已存在，未覆盖：{path}")
    guide = write_district_guide(Path(args.dir), load_reference(Path(args.dir)))
    print(f"已写入各区报送说明（按这些参考数据生成，可发给各区(市)）：{guide}\n"
          f"  修改参考数据后再运行一次 mulu init {args.dir}，即按新的参考数据重写这份说明")
    print(f"编辑这些文件后运行：mulu refresh --reference {args.dir} --catalog 目录文件")
    return 0


def site(args) -> int:
    from flows.site import build_public_site, serve_public_site

    if args.action == "serve":
        return serve_public_site(Path(args.out), args.host, args.port)
    return build_public_site(Path(args.warehouse), Path(args.out), Path(args.reference) if args.reference else None)


def check(args) -> int:
    from flows.night_check import check_night

    outcome, message = check_night(Path(args.warehouse), Path(args.out))
    print(message, file=sys.stdout if outcome == "ok" else sys.stderr)
    return 0 if outcome == "ok" else 3


def monthly_report(args) -> int:
    from flows.monthly import MonthError, write_monthly_report

    try:
        paths = write_monthly_report(Path(args.warehouse), Path(args.out), args.month,
                                     Path(args.reference) if args.reference else None, args.wait)
    except MonthError as error:
        print(str(error), file=sys.stderr)
        return 2
    for path in paths:
        print(f"月报已写入：{path}")
    return 0


def query(args) -> int:
    import duckdb

    from warehouse.files.snapshot import snapshot_connection

    con = snapshot_connection(Path(args.out))
    try:
        result = con.sql(args.sql)
    except duckdb.Error as error:
        print(f"查询有误：{error}", file=sys.stderr)
        return 2
    if result is None:
        return 0
    if args.csv:
        result.df().to_csv(sys.stdout, index=False)
    else:
        result.show(max_rows=50, max_width=200)
    return 0
