//! The till's printing from the app: a completed operation's receipt prints by itself, a job in
//! progress is remembered, and a printer fault keeps the receipt for one-key retry.

use super::*;

impl App {
    /// Sends a stored receipt to the printer and remembers it as the job in progress.
    pub(super) fn send_print(&mut self, receipt_id: String) {
        self.ctx.print = Some(PrintJob { receipt_id: receipt_id.clone(), state: PrintState::Printing });
        self.ctx.printer = PrinterState::Printing;
        self.outbox.push(Request::Print { receipt_id });
    }

    /// A receipt of a completed operation prints by itself (unless the settings keep its kind on
    /// the screen, or it printed already); its drawer pulse is in the job, so the drawer opens for
    /// cash as the receipt comes out, never in training and never for a reprint.
    pub(super) fn auto_print(&mut self, receipt: Option<&ReceiptView>) {
        let Some(r) = receipt else { return };
        let Some(id) = r.id.clone() else { return };
        let seen = self.ctx.print.as_ref().is_some_and(|j| j.receipt_id == id);
        if !r.printed && !seen && self.ctx.settings.auto_prints(&r.kind) {
            self.send_print(id);
        }
    }

    pub(super) fn receipt_printed(&mut self, receipt_id: String, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.ctx.printer = PrinterState::Ready;
                self.ctx.print = Some(PrintJob { receipt_id, state: PrintState::Printed });
            }
            Err(e) => {
                self.ctx.printer = PrinterState::Failed(e.clone());
                self.ctx.print = Some(PrintJob { receipt_id, state: PrintState::Failed(e.clone()) });
                // Never sent again by itself: the cashier looks at the printer, then one key prints it.
                self.overlay = Some(Overlay::Confirm(Confirm {
                    title: crate::t!("common-receipt-not-printed-title"),
                    body: vec![
                        format!("{}.", e.trim_end_matches('.')),
                        crate::t!("common-receipt-kept"),
                        crate::t!("common-receipt-fix-printer"),
                        crate::t!("common-receipt-print-later"),
                    ],
                    yes_label: crate::ts!("common-print-it"),
                    no_label: crate::ts!("common-later"),
                    danger: true,
                    ask: Ask::RetryPrint,
                }));
            }
        }
    }
}
