"""Admin permissions of payment officers, per scope level (see candidates.officers).

County offices take 线下缴费 and confirm it; cities and the province follow the orders of their
scope (payments.selectors.officer_orders_q); the province marks late money refunded.
"""

OFFICER_PERMISSIONS = {
    "county": ["payments.view_order", "payments.view_payment", "payments.confirm_offline_payment"],
    "city": ["payments.view_order", "payments.view_payment"],
    # Refunds of money that arrived too late are made by the province centre after reconciliation.
    "province": ["payments.view_order", "payments.view_payment", "payments.refund_payment"],
}
