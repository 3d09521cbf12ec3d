//! The spots board's calls: one `/rest/v1` action (if any), then the board as it stands, mapped
//! from the wire to the board's view lines. Only this file and `worker` know the spots wire.

use super::model::CallError;
use super::screens::spots::{OrderLine, SpotLine, SpotsCall, SpotsOutcome};
use super::worker::{Link, call_error};
use crate::client::spots::SpotsClient;
use crate::client::spots::wire as w;
use crate::money::{Currency, Money};

fn order_line(o: &w::Order) -> OrderLine {
    let t = o.transaction.as_ref();
    let amount = t.and_then(|t| {
        let currency = Currency::from_code(&t.payments.first()?.currency).ok()?;
        let total = t.payments.iter().try_fold(0i64, |acc, p| acc.checked_add(p.price))?;
        Some(Money::from_minor(total, currency))
    });
    let description = t.map(|t| t.payments.iter().map(|p| p.description.as_str()).collect::<Vec<_>>().join(", "));
    OrderLine {
        id: o.id,
        status: o.status.clone(),
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

async fn act(c: &SpotsClient, call: SpotsCall) -> Result<Option<String>, CallError> {
    Ok(match call {
        SpotsCall::Refresh => None,
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
            Some(format!("Order #{} is on the table; the guest can pay it now.", o.id))
        }
        SpotsCall::Confirm { key } => {
            c.confirm(&key, &Default::default()).await.map_err(call_error)?;
            Some("Payment confirmed: the order is paid.".into())
        }
        SpotsCall::Revoke { key } => {
            c.revoke(&key).await.map_err(call_error)?;
            Some("Reservation revoked: the money is back in the guest's wallet.".into())
        }
        SpotsCall::CloseOrder { order_id } => {
            c.delete_order(order_id).await.map_err(call_error)?;
            Some(format!("Order #{order_id} closed (paid by other means)."))
        }
        SpotsCall::CloseSpot { spot_id } => {
            let s = c.close(spot_id).await.map_err(call_error)?;
            Some(format!("{} is closed.", s.identifier.unwrap_or_else(|| format!("Spot {spot_id}"))))
        }
    })
}

/// Does `call`, then reads the board. A refused action still returns the fresh board's error.
pub async fn perform(link: &Link, call: SpotsCall) -> Result<SpotsOutcome, CallError> {
    let c = link.spots().await?;
    let done = act(&c, call).await?;
    Ok(SpotsOutcome { spots: board(&c).await?, done })
}
