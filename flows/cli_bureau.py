"""The `mulu` commands for keeping it at a bureau and for the districts' templates: backup, restore,
deploy (systemd units, the nginx block) and templates. Each takes the parsed arguments (flows/cli.py)
and returns the exit code; problems become messages here, all at once."""

import sys
from pathlib import Path


def backup(args) -> int:
    from warehouse.backup import BackupError, WarehouseInUse, take_backup

    try:
        made = take_backup(Path(args.warehouse), Path(args.to), Path(args.out) if args.out else None,
                           Path(args.reference) if args.reference else None, args.keep, args.wait)
    except BackupError as error:
        return _problems("未备份，请一次性修改以下各项后重试：", error.problems)
    except WarehouseInUse as error:
        print(str(error), file=sys.stderr)
        return 4
    print(f"备份已写入并逐个文件校验：{made.path}（文件 {made.files} 个，共 {made.size_bytes / 2**20:.1f} MB）")
    for path in made.removed:
        print(f"  已删除较早的备份：{path}")
    return 0


def restore(args) -> int:
    from warehouse.backup import BackupError
    from warehouse.restore import restore_backup

    try:
        restored = restore_backup(Path(args.backup), Path(args.warehouse), Path(args.out) if args.out else None,
                                  Path(args.reference) if args.reference else None)
    except BackupError as error:
        return _problems("未恢复任何内容，请一次性处理以下各项后重试：", error.problems)
    print(f"已从备份 {args.backup} 恢复（全部校验和相符）：")
    for path in restored.places:
        print(f"  {path}")
    words = {"out": "发布文件夹（需要时加 --out 目标文件夹）", "reference": "参考数据文件夹（需要时加 --reference 目标文件夹）"}
    for part in restored.not_restored:
        print(f"  备份中还有{words[part]}，本次未恢复")
    return 0


def _problems(title: str, problems: list[str]) -> int:
    print(title, file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    return 2


def deploy(args) -> int:
    from flows import deploy

    root = Path(args.root).absolute()
    if args.target == "nginx":
        print(deploy.nginx_server_block(root / "out" / "site", args.listen, args.location), end="")
        return 0
    try:
        target = deploy.deployment(root, Path(args.venv), args.user, args.port, args.cron,
                                   Path(args.reference) if args.reference else None,
                                   Path(args.catalog) if args.catalog else None, args.name)
    except deploy.DeployError as error:
        return _problems("无法生成服务单元，请一次性修改以下各项后重试：", error.problems)
    for path in deploy.write_units(target, Path(args.out)):
        print(f"已写入：{path}")
    print(f"启用（以 root 身份，单元在 /etc/systemd/system 时）：systemctl daemon-reload && "
          f"systemctl enable --now {target.server_unit} {target.serve_unit}\n"
          f"日志：journalctl -u {target.server_unit} -u {target.serve_unit}")
    return 0


def templates(args) -> int:
    from warehouse import db
    from warehouse.reference import load_reference
    from warehouse.reports.templates import TemplateError, write_templates

    if not Path(args.warehouse).is_file():
        print(f"仓库文件不存在：{args.warehouse}", file=sys.stderr)
        return 2
    reference = load_reference(Path(args.reference) if args.reference else None)
    unknown = [d for d in args.district or [] if d not in reference.districts]
    if unknown:
        print(f"不认识的区(市)：{'、'.join(unknown)}（区(市)名称见参考数据 districts.csv）", file=sys.stderr)
        return 2
    districts = {reference.districts[d] for d in args.district} if args.district else None
    con = db.connect(args.warehouse)
    try:
        paths = write_templates(con, Path(args.out), districts, reference)
    except TemplateError as error:
        print(str(error), file=sys.stderr)
        return 2
    finally:
        con.close()
    print(f"填报模板已写入 {args.out}：{len(paths)} 个镇(街道)，每个镇(街道)一个文件，请发给各镇(街道)便民服务中心。")
    return 0
