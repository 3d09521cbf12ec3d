//! Wire ↔ engine for `/v1`: each `/v1` shape from the engine's own type, field for field, and the
//! request bodies into the engine's commands. The engine's types serialize to the same JSON (its
//! webhook payloads are these shapes too); the test below holds the two together.

use crate::engine::catalog::products as engine_products;
use crate::engine::catalog::rfc3339;
use crate::engine::catalog::stores::{self as engine_stores, Store};
use crate::engine::retail::{self as engine, DecimalMoney};
use crate::wire::retail::{
    Address, ConfirmOrder, CreateOrder, OrderState, OrderView, ProductKind, ProductView, ReceiptPrinting,
    ReceiptPrintingRequest, Settlement, SettlementRow, SettlementTotal, StoreView, Subscription, WireMoney,
};

impl From<DecimalMoney> for WireMoney {
    fn from(m: DecimalMoney) -> WireMoney {
        WireMoney { currency: m.currency, amount: m.amount }
    }
}

impl From<WireMoney> for DecimalMoney {
    fn from(m: WireMoney) -> DecimalMoney {
        DecimalMoney { currency: m.currency, amount: m.amount }
    }
}

impl From<engine_stores::Address> for Address {
    fn from(a: engine_stores::Address) -> Address {
        Address { street: a.street, postal_code: a.postal_code, city: a.city }
    }
}

impl From<Address> for engine_stores::Address {
    fn from(a: Address) -> engine_stores::Address {
        engine_stores::Address { street: a.street, postal_code: a.postal_code, city: a.city }
    }
}

impl From<Store> for StoreView {
    fn from(s: Store) -> Self {
        StoreView {
            id: s.id.to_string(),
            name: s.name,
            address: s.address.into(),
            country: s.country,
            created_at: rfc3339(s.created_at),
        }
    }
}

impl From<engine_products::ProductKind> for ProductKind {
    fn from(k: engine_products::ProductKind) -> ProductKind {
        match k {
            engine_products::ProductKind::Por => ProductKind::Por,
            engine_products::ProductKind::Posa => ProductKind::Posa,
        }
    }
}

impl From<ProductKind> for engine_products::ProductKind {
    fn from(k: ProductKind) -> engine_products::ProductKind {
        match k {
            ProductKind::Por => engine_products::ProductKind::Por,
            ProductKind::Posa => engine_products::ProductKind::Posa,
        }
    }
}

fn money_list(v: Option<Vec<DecimalMoney>>) -> Option<Vec<WireMoney>> {
    v.map(|v| v.into_iter().map(WireMoney::from).collect())
}

impl From<engine_products::ProductView> for ProductView {
    fn from(p: engine_products::ProductView) -> ProductView {
        ProductView {
            code: p.code,
            name: p.name,
            brand: p.brand,
            country: p.country,
            currency: p.currency,
            kind: p.kind.into(),
            denominations: money_list(p.denominations),
            min_value: p.min_value.map(WireMoney::from),
            max_value: p.max_value.map(WireMoney::from),
            commission_percent: p.commission_percent,
            redemption_text: p.redemption_text,
            support_text: p.support_text,
            active: p.active,
            stock: p.stock,
            updated_at: p.updated_at,
        }
    }
}

impl From<engine::OrderState> for OrderState {
    fn from(s: engine::OrderState) -> OrderState {
        match s {
            engine::OrderState::Created => OrderState::Created,
            engine::OrderState::Confirmed => OrderState::Confirmed,
            engine::OrderState::Invalidated => OrderState::Invalidated,
            engine::OrderState::Expired => OrderState::Expired,
        }
    }
}

impl From<OrderState> for engine::OrderState {
    fn from(s: OrderState) -> engine::OrderState {
        match s {
            OrderState::Created => engine::OrderState::Created,
            OrderState::Confirmed => engine::OrderState::Confirmed,
            OrderState::Invalidated => engine::OrderState::Invalidated,
            OrderState::Expired => engine::OrderState::Expired,
        }
    }
}

impl From<CreateOrder> for engine::CreateOrder {
    fn from(o: CreateOrder) -> engine::CreateOrder {
        let ReceiptPrintingRequest { characters_per_line, locale } = o.receipt_printing;
        engine::CreateOrder {
            product_code: o.product_code,
            store_id: o.store_id,
            terminal_id: o.terminal_id,
            receipt_id: o.receipt_id,
            country: o.country,
            face_value: o.face_value.into(),
            receipt_printing: engine::orders::ReceiptPrintingRequest { characters_per_line, locale },
            card_number: o.card_number,
        }
    }
}

impl From<ConfirmOrder> for engine::ConfirmOrder {
    fn from(c: ConfirmOrder) -> engine::ConfirmOrder {
        engine::ConfirmOrder {
            payment_method: c.payment_method,
            receipt_value: c.receipt_value.map(DecimalMoney::from),
        }
    }
}

impl From<engine::OrderView> for OrderView {
    fn from(o: engine::OrderView) -> OrderView {
        let engine::orders::ReceiptPrinting { characters_per_line, locale, lines } = o.receipt_printing;
        OrderView {
            id: o.id,
            state: o.state.into(),
            product_code: o.product_code,
            product_name: o.product_name,
            brand: o.brand,
            kind: o.kind.into(),
            store_id: o.store_id,
            terminal_id: o.terminal_id,
            receipt_id: o.receipt_id,
            country: o.country,
            face_value: o.face_value.into(),
            commission: o.commission.into(),
            net_payable: o.net_payable.into(),
            card_number: o.card_number,
            payment_method: o.payment_method,
            receipt_value: o.receipt_value.map(WireMoney::from),
            receipt_printing: ReceiptPrinting { characters_per_line, locale, lines },
            created_at: o.created_at,
            expires_at: o.expires_at,
            confirmed_at: o.confirmed_at,
            invalidated_at: o.invalidated_at,
            expired_at: o.expired_at,
        }
    }
}

impl From<engine::settlement::Settlement> for Settlement {
    fn from(s: engine::settlement::Settlement) -> Settlement {
        Settlement {
            data: s
                .data
                .into_iter()
                .map(|r| SettlementRow {
                    date: r.date,
                    store_id: r.store_id,
                    currency: r.currency,
                    confirmed_orders: r.confirmed_orders,
                    invalidations: r.invalidations,
                    face_value: r.face_value.into(),
                    commission: r.commission.into(),
                    net_payable: r.net_payable.into(),
                })
                .collect(),
            totals: s
                .totals
                .into_iter()
                .map(|t| SettlementTotal {
                    currency: t.currency,
                    confirmed_orders: t.confirmed_orders,
                    invalidations: t.invalidations,
                    face_value: t.face_value.into(),
                    commission: t.commission.into(),
                    net_payable: t.net_payable.into(),
                })
                .collect(),
        }
    }
}

impl From<engine::webhooks::Subscription> for Subscription {
    fn from(s: engine::webhooks::Subscription) -> Subscription {
        Subscription {
            id: s.id,
            url: s.url,
            events: s.events,
            secret: s.secret,
            active: s.active,
            created_at: s.created_at,
            pending_deliveries: s.pending_deliveries,
            failed_deliveries: s.failed_deliveries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount: &str) -> DecimalMoney {
        DecimalMoney { currency: "EUR".into(), amount: amount.into() }
    }

    /// Webhook payloads are the engine's types serialized; replies are the wire's: one JSON.
    #[test]
    fn an_order_reads_the_same_in_the_engine_and_on_the_wire() {
        let order = engine::OrderView {
            id: "ro_1".into(),
            state: engine::OrderState::Confirmed,
            product_code: "4001232232332".into(),
            product_name: "Gift 25".into(),
            brand: "Brand".into(),
            kind: engine_products::ProductKind::Posa,
            store_id: "A1234".into(),
            terminal_id: "T01".into(),
            receipt_id: "R1".into(),
            country: "DE".into(),
            face_value: money("25.00"),
            commission: money("1.25"),
            net_payable: money("23.75"),
            card_number: Some("************0123".into()),
            payment_method: Some("cash".into()),
            receipt_value: None,
            receipt_printing: engine::orders::ReceiptPrinting {
                characters_per_line: 40,
                locale: "de-DE".into(),
                lines: Some(vec!["line".into()]),
            },
            created_at: "2026-11-21T10:00:00Z".into(),
            expires_at: "2026-11-21T10:15:00Z".into(),
            confirmed_at: Some("2026-11-21T10:01:00Z".into()),
            invalidated_at: None,
            expired_at: None,
        };
        let engine_json = serde_json::to_value(&order).unwrap();
        let wire_json = serde_json::to_value(OrderView::from(order)).unwrap();
        assert_eq!(engine_json, wire_json);
    }
}
