//! The spots board's calls: one `/rest/v1` action (if any), then the board as it stands, mapped
//! from the wire to the board's view lines. Only this file and `worker` know the spots wire.
//!
//! A payment the board takes (a wallet payment confirmed, or cash at the till) leaves a receipt,
//! stored in the engine like every receipt of the till (so the journal lists it and it can be
//! reprinted) and printed by the app like a sale's: the table, the order, its lines, the tender.

use super::calls::{context, view};
use super::model::{CallError, ReceiptView};
use super::screens::spots::{OrderLine, SpotLine, SpotsCall, SpotsOutcome};
use super::worker::{Link, Local, call_error};
use crate::client::spots::SpotsClient;
use crate::client::spots::wire as w;
use crate::money::{Currency, Money};
use crate::receipt::{Receipt, SpotResult, Tender, TenderKind};

fn order_line(o: &w::Order) -> OrderLine {
    let t = o.transaction.as_ref();
    let amount = t.and_then(|t| {
        let currency = Currency::from_code(&t.payments.first()?.currency).ok()?;
        let total = t.payments.iter().try_fold(0i64, |acc, p| acc.checked_add(p.price))?;
        Some(Money::from_minor(total, currency))
    });
    let description = t.map(|t| t.payments.iter().map(|p| p.description.as_str()).collect::<Vec<_>>().join(", "));
    // A closed order was paid in cash at the till or cancelled; the board says which.
    let status = match (o.status.as_str(), o.paid_in_cash) {
        ("closed", Some(true)) => "paid cash".to_string(),
        ("closed", _) => "cancelled".to_string(),
        (s, _) => s.to_string(),
    };
    OrderLine {
        id: o.id,
        status,
        transaction_key: o.transaction_key.clone(),
        amount,
        description: description.unwrap_or_default(),
        wallet: t.and_then(|t| t.wallet),
    }
}

fn spot_line(s: &w::Spot) -> SpotLine {
    SpotLine {
        id: s.id,
        identifier: s.identifier.clone().unwrap_or_else(|| format!("spot {}", s.id)),
        status: s.status.clone(),
        registered: s.registered.unwrap_or(true),
        guests: s.check_ins.as_ref().map(|c| c.iter().map(|c| c.name.clone()).collect()).unwrap_or_default(),
        orders: s.orders.as_ref().map(|os| os.iter().map(order_line).collect()).unwrap_or_default(),
    }
}

async fn board(c: &SpotsClient) -> Result<Vec<SpotLine>, CallError> {
    let list = c.spots(None, 200, 0).await.map_err(call_error)?;
    Ok(list.spots.iter().map(spot_line).collect())
}

fn money(minor: i64, currency: &str) -> Result<Money, String> {
    Currency::from_code(currency).map(|c| Money::from_minor(minor, c)).map_err(|e| e.to_string())
}

/// Builds, stores (once per `op_key`) and lays out the receipt of a paid table order.
async fn receipt(
    link: &Link,
    local: &Local,
    r: &SpotResult,
    tender: TenderKind,
    op_key: &str,
) -> Result<ReceiptView, String> {
    let c = link.client().await.map_err(|e| e.message())?;
    let t = link.terminal().await.map_err(|e| e.message())?;
    let ctx = context(&t, link, local);
    let rc = Receipt::spot_order(&ctx, r, &[Tender { kind: tender, amount: r.total }]).map_err(|e| e.to_string())?;
    let stored = c.create_receipt(&rc, Some(op_key)).await.map_err(|e| e.to_string())?;
    Ok(view(&stored, local))
}

fn wallet_result(t: &w::Transaction, order_id: i64, table: &str) -> Result<SpotResult, String> {
    let currency = t.payments.first().map(|p| p.currency.as_str()).ok_or("the transaction has no payments")?;
    let items = t
        .payments
        .iter()
        .map(|p| Ok((p.description.clone(), money(p.price, &p.currency)?)))
        .collect::<Result<Vec<_>, String>>()?;
    let total = t.payments.iter().try_fold(0i64, |a, p| a.checked_add(p.price)).ok_or("the payments overflow")?;
    Ok(SpotResult { table: table.to_string(), order_id, items, total: money(total, currency)?, wallet: t.wallet })
}

fn cash_result(p: &w::CashPaid) -> Result<SpotResult, String> {
    let items = p
        .items
        .iter()
        .map(|i| Ok((i.description.clone(), money(i.price, &p.currency)?)))
        .collect::<Result<_, String>>()?;
    Ok(SpotResult {
        table: p.spot.clone(),
        order_id: p.order.id,
        items,
        total: money(p.amount, &p.currency)?,
        wallet: None,
    })
}

/// What an action did: the notice, and the receipt of a payment.
type Done = (Option<String>, Option<ReceiptView>);

/// The payment happened whatever becomes of its receipt: a receipt that could not be made says
/// so in the notice (the journal and reprint still work for any that was stored).
fn with_receipt(notice: String, r: Result<ReceiptView, String>) -> Done {
    match r {
        Ok(v) => (Some(notice), Some(v)),
        Err(e) => (Some(crate::t!("spots-no-receipt", done = notice, why = e)), None),
    }
}

async fn act(link: &Link, local: &Local, c: &SpotsClient, call: SpotsCall) -> Result<Done, CallError> {
    Ok(match call {
        SpotsCall::Refresh => (None, None),
        SpotsCall::Order { spot_id, amount, description } => {
            let req = w::OrderRequest {
                transaction_key: None,
                transaction: Some(w::NewTransaction {
                    payments: vec![w::NewPayment {
                        description,
                        price: Some(amount.minor()),
                        currency: Some(amount.currency().code().into()),
                        ..Default::default()
                    }],
                    ..Default::default()
                }),
            };
            let o = c.create_order(spot_id, &req).await.map_err(call_error)?;
            (Some(crate::t!("spots-done-order", order = o.id.to_string())), None)
        }
        SpotsCall::Confirm { key, order_id, table } => {
            let t = c.confirm(&key, &Default::default()).await.map_err(call_error)?;
            let r = match wallet_result(&t, order_id, &table) {
                Ok(r) => receipt(link, local, &r, TenderKind::Wallet, &format!("spot:{key}")).await,
                Err(e) => Err(e),
            };
            with_receipt(crate::t!("spots-done-wallet", order = order_id.to_string(), table = &table), r)
        }
        SpotsCall::Revoke { key } => {
            c.revoke(&key).await.map_err(call_error)?;
            (Some(crate::t!("spots-done-revoked")), None)
        }
        SpotsCall::Cash { order_id } => {
            let tc = link.client().await?;
            let p = tc.spot_cash(order_id, &w::CashRequest::default()).await.map_err(call_error)?;
            let r = match cash_result(&p) {
                Ok(r) => receipt(link, local, &r, TenderKind::Cash, &format!("spot-cash:{order_id}")).await,
                Err(e) => Err(e),
            };
            let amount = money(p.amount, &p.currency).map(crate::i18n::amount).unwrap_or(p.amount_decimal.clone());
            let done = crate::t!("spots-done-cash", order = order_id.to_string(), table = &p.spot, amount = amount);
            with_receipt(done, r)
        }
        SpotsCall::Cancel { order_id } => {
            c.delete_order(order_id).await.map_err(call_error)?;
            (Some(crate::t!("spots-done-cancelled", order = order_id.to_string())), None)
        }
        SpotsCall::CloseSpot { spot_id } => {
            let s = c.close(spot_id).await.map_err(call_error)?;
            (Some(crate::t!("spots-done-closed", table = s.identifier.unwrap_or_else(|| format!("#{spot_id}")))), None)
        }
    })
}

/// Does `call`, then reads the board.
pub async fn perform(link: &Link, local: &Local, call: SpotsCall) -> Result<SpotsOutcome, CallError> {
    let c = link.spots().await?;
    let (done, receipt) = act(link, local, &c, call).await?;
    Ok(SpotsOutcome { spots: board(&c).await?, done, receipt })
}
