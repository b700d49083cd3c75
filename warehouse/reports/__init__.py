"""Reports people read: each district's 一次告知 (district.py, html.py, xlsx_rows.py), the staff's
目录问题 report (staff.py) and the monthly report (monthly.py, monthly_xlsx.py, monthly_html.py).

They read the warehouse's views and findings and write files under OUT/reports; nothing here
changes the warehouse.
"""
