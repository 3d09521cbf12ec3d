//! The retail screen's answers: the dialogs' yes or no, the resolver's ticks, and the engine's
//! replies (the product list, each step of the order).

use super::state::*;
use crate::tui::app::{Ask, Cx, OrderStep, Reply, Request};
use crate::tui::model::*;

impl Retail {
    pub fn on_confirmed(&mut self, ask: Ask, cx: &mut Cx) {
        let Some(order) = &self.order else {
            return;
        };
        let id = order.id.clone();
        if ask == ASK_CONFIRM {
            self.step = Step::Confirming;
            self.op = cx.ctx.next_op();
            let value = self.face_value.unwrap_or(order.face_value);
            let key = cx.ctx.next_external_id("confirm");
            cx.send(Request::ConfirmOrder {
                op: self.op,
                order_id: id,
                tender: self.tender.unwrap_or(Tender::Cash),
                value,
                key,
            });
        } else if ask == ASK_CANCEL {
            self.step = Step::Cancelling;
            self.op = cx.ctx.next_op();
            let key = cx.ctx.next_external_id("invalidate");
            cx.send(Request::InvalidateOrder { op: self.op, order_id: id, key });
        }
    }

    pub fn on_declined(&mut self, _ask: Ask, _cx: &mut Cx) {
        self.tender = None;
    }

    pub fn on_tick(&mut self, cx: &mut Cx) {
        if self.retry_in > 0 {
            self.retry_in -= 1;
            if self.retry_in == 0
                && let Some(o) = &self.order
            {
                self.op = cx.ctx.next_op();
                cx.send(Request::GetOrder { op: self.op, order_id: o.id.clone() });
            }
        }
    }

    pub fn on_reply(&mut self, r: Reply, cx: &mut Cx) {
        match r {
            Reply::Products(Ok(products)) => {
                self.products = products;
                self.refilter();
                if self.step == Step::Loading {
                    self.step = Step::Search;
                }
            }
            Reply::Products(Err(e)) => {
                self.note = Some((crate::t!("retail-products-failed", reason = e.message()), true));
            }
            Reply::Order { op, step, result } if op == self.op => self.order_reply(step, result, cx),
            _ => {}
        }
    }

    fn value_text(&self, cx: &Cx) -> String {
        self.face_value.map(|v| cx.ctx.fmt(v)).unwrap_or_default()
    }

    fn stop(&mut self, lines: Vec<String>) {
        self.outcome = lines;
        self.step = Step::Stopped;
    }

    fn order_reply(&mut self, step: OrderStep, result: Result<OrderView, CallError>, cx: &mut Cx) {
        let value = self.value_text(cx);
        match (step, result) {
            (OrderStep::Create, Ok(order)) => {
                if order.state == OrderState::Failed {
                    // The distributor's own words, when it gave any.
                    let why = order.message.clone().unwrap_or_else(|| crate::t!("retail-distributor-declined"));
                    self.stop(vec![
                        crate::t!("retail-cannot-go-ahead", reason = sentence(&why)),
                        crate::t!("retail-take-no-money"),
                    ]);
                } else {
                    self.order = Some(order);
                    self.step = Step::Pay;
                }
            }
            (OrderStep::Create, Err(e)) => {
                self.stop(vec![
                    crate::t!("retail-cannot-go-ahead", reason = sentence(&e.message())),
                    crate::t!("retail-take-no-money"),
                ]);
            }
            (OrderStep::Confirm, Ok(order)) => {
                self.order = Some(order);
                self.step = Step::Done;
            }
            (OrderStep::Confirm, Err(e @ CallError::Refused { .. })) => {
                // A definite no: nothing was activated. Make sure the hold is released.
                self.op = cx.ctx.next_op();
                if let Some(o) = &self.order {
                    let key = cx.ctx.next_external_id("invalidate");
                    cx.send(Request::InvalidateOrder { op: self.op, order_id: o.id.clone(), key });
                }
                self.stop(vec![
                    crate::t!("retail-refused", reason = sentence(&e.message())),
                    crate::t!("retail-no-card-activated"),
                    crate::t!("retail-give-back", amount = value.as_str()),
                ]);
            }
            (OrderStep::Confirm, Err(e)) => {
                let reason = e.message();
                let reason = reason.trim_end_matches('.');
                self.note = Some((crate::t!("retail-finding-out", reason = reason), true));
                self.resolve(cx);
            }
            (OrderStep::Get, Ok(order)) => match order.state {
                OrderState::Confirmed => {
                    self.order = Some(order);
                    self.note = Some((crate::t!("retail-slow-but-done"), false));
                    self.step = Step::Done;
                }
                OrderState::Created => {
                    self.order = Some(order);
                    self.step = Step::Cancelling;
                    self.op = cx.ctx.next_op();
                    if let Some(o) = &self.order {
                        let key = cx.ctx.next_external_id("invalidate");
                        cx.send(Request::InvalidateOrder { op: self.op, order_id: o.id.clone(), key });
                    }
                }
                OrderState::Invalidated | OrderState::Failed => self.stop(vec![
                    crate::t!("retail-did-not-go-through"),
                    crate::t!("retail-give-back", amount = value.as_str()),
                ]),
            },
            (OrderStep::Get, Err(_)) => {
                self.note = Some((crate::t!("retail-still-no-answer"), true));
                self.step = Step::Resolving;
                self.retry_in = 3;
            }
            (OrderStep::Invalidate, Ok(_)) | (OrderStep::Invalidate, Err(CallError::Refused { .. })) => {
                if self.step == Step::Cancelling && self.outcome.is_empty() {
                    let was_resolving = self.note.is_some();
                    let mut lines = vec![crate::t!("retail-cancelled")];
                    if was_resolving {
                        lines.insert(0, crate::t!("retail-invalidated-no-answer"));
                    }
                    if self.tender.is_some() {
                        lines.push(crate::t!("retail-give-back", amount = value.as_str()));
                    } else {
                        lines.push(crate::t!("retail-take-no-money"));
                    }
                    self.note = None;
                    self.stop(lines);
                }
            }
            (OrderStep::Invalidate, Err(_)) => {
                // Unclear whether the invalidation landed: ask for the order again.
                self.resolve(cx);
            }
        }
    }

    fn resolve(&mut self, cx: &mut Cx) {
        self.step = Step::Resolving;
        self.op = cx.ctx.next_op();
        if let Some(o) = &self.order {
            cx.send(Request::GetOrder { op: self.op, order_id: o.id.clone() });
        }
    }
}

/// A message as a sentence ending in one full stop (the engine's and the distributor's words
/// come with or without one).
fn sentence(m: &str) -> String {
    format!("{}.", m.trim().trim_end_matches('.'))
}
