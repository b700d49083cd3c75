"""The CLI's edge: configuration problems become one message listing everything, and exit code 2."""

from flows.cli import main


def test_missing_inbox_and_catalog_are_reported_together(tmp_path, capsys):
    code = main(["refresh", "--inbox", str(tmp_path / "无此目录"), "--catalog", str(tmp_path / "无.csv")])
    err = capsys.readouterr().err
    assert code == 2
    assert "收件箱文件夹不存在" in err and "目录文件不存在" in err
    assert "Traceback" not in err


def test_a_broken_catalog_lists_every_problem_before_anything_runs(tmp_path, capsys):
    catalog = tmp_path / "目录.csv"
    catalog.write_text("事项名称,事项编码\n低保,000120001000\n低保,000120001000\n临时救助,12\n", encoding="gbk")
    code = main(["refresh", "--inbox", str(tmp_path), "--catalog", str(catalog)])
    err = capsys.readouterr().err
    assert code == 2
    assert "第4行" in err and "重复出现在第2、3行" in err and err.count("  - ") == 3


def test_sample_writes_inbox_and_truth(tmp_path, capsys):
    assert main(["sample", "--scale", "small", "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s" / "truth.csv").exists()
    assert len(list((tmp_path / "s" / "inbox").iterdir())) == 10
