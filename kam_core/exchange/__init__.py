"""Data in and out: CSV/XLSX import, the whole-database workbook, chart and table exports."""
