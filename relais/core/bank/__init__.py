"""Bank files shared by rent (tenants' payments) and payables (supplier payments)."""
