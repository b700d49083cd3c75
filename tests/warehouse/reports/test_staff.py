"""The staff's report: the catalog's problems and the communities list's, each on its own sheet."""

import openpyxl
import pandas as pd

from transforms.catalog import CatalogFinding
from transforms.communities import list_problems
from warehouse import db
from warehouse.catalog_store import store_catalog_findings
from warehouse.reports.staff import write_staff_report
from warehouse.workbook import write_sheet


def test_reference_problems_have_a_sheet_of_their_own(tmp_path):
    con = db.connect(":memory:")
    problems = list_problems([{"区市名称": "崂山区", "镇街名称": "沙子口街道", "村社区名称": "东麦窑社区服务站"}],
                             {"崂山区": ["沙子口街道"]})
    store_catalog_findings(con, "catalog.csv", [CatalogFinding("catalog.code_empty", "事项编码为空", 3, "item_code")],
                           problems)
    findings = con.sql("SELECT * FROM catalog_findings").df()
    assert sorted(findings["source_file"]) == ["catalog.csv", "communities.csv"]
    path = tmp_path / "目录问题.xlsx"
    write_staff_report(path, findings, pd.DataFrame(columns=["source_file", "severity", "message", "hint", "rule"]),
                       write_sheet)
    workbook = openpyxl.load_workbook(path)
    catalog = list(workbook["目录问题"].iter_rows(values_only=True))
    reference = list(workbook["参考数据问题"].iter_rows(values_only=True))
    assert len(catalog) == 2 and catalog[1][0] == 3
    assert len(reference) == 2 and reference[1][:2] == ("communities.csv", 2) and "东麦窑社区" in reference[1][3]
    summary = dict(workbook["汇总"].iter_rows(values_only=True))
    assert summary["目录文件"] == "catalog.csv" and summary["村(社区)名单：名称不是标准写法"] == "1"
