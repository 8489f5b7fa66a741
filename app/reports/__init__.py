"""The point's numbers (QĐ 766/QĐ-TTg indicators that a point moves): computed, then written as XLSX or PDF."""
