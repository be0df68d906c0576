"""Reservations (issue 17 §2): holders, agreements, the flow each ready vacancy is assigned to,
the holders' designations, DALO deadlines and the yearly balance (ADR 0047)."""
