//! The words on a receipt in each language the money locales imply (en, de, fr, nl).
//!
//! Only characters Windows-1252 can print are used, so the printed text equals the preview.

use crate::money::Locale;

use super::model::{Label, ReceiptKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    De,
    Fr,
    Nl,
}

fn lang(locale: Locale) -> Lang {
    match locale {
        Locale::EnUs | Locale::EnGb => Lang::En,
        Locale::DeDe => Lang::De,
        Locale::FrFr => Lang::Fr,
        Locale::NlNl => Lang::Nl,
    }
}

/// Picks the word for the locale's language from `[en, de, fr, nl]`.
fn pick(locale: Locale, words: [&'static str; 4]) -> &'static str {
    match lang(locale) {
        Lang::En => words[0],
        Lang::De => words[1],
        Lang::Fr => words[2],
        Lang::Nl => words[3],
    }
}

pub fn label(locale: Locale, label: &Label) -> String {
    let w = match label {
        Label::Custom(text) => return text.clone(),
        Label::Amount => ["Amount", "Betrag", "Montant", "Bedrag"],
        Label::Tip => ["Tip", "Trinkgeld", "Pourboire", "Fooi"],
        Label::Total => ["TOTAL", "SUMME", "TOTAL", "TOTAAL"],
        Label::Balance => ["Balance", "Guthaben", "Solde", "Saldo"],
        Label::PreviousBalance => ["Previous balance", "Altes Guthaben", "Ancien solde", "Vorig saldo"],
        Label::NewBalance => ["New balance", "Neues Guthaben", "Nouveau solde", "Nieuw saldo"],
        Label::Loaded => ["Loaded", "Aufgeladen", "Rechargé", "Opgewaardeerd"],
        Label::Redeemed => ["Redeemed", "Eingelöst", "Utilisé", "Ingewisseld"],
        Label::CashedOut => ["Paid out", "Ausgezahlt", "Remboursé", "Uitbetaald"],
        Label::Refunded => ["Refunded", "Erstattet", "Crédité", "Terugbetaald"],
        Label::Reversed => ["Reversed", "Storniert", "Annulé", "Geannuleerd"],
        Label::Transferred => ["Transferred", "Übertragen", "Transféré", "Overgezet"],
        Label::OldCard => ["Old card", "Alte Karte", "Ancienne carte", "Oude kaart"],
        Label::OldCardClosed => {
            ["Old card (closed)", "Alte Karte (gesperrt)", "Ancienne carte (fermée)", "Oude kaart (gesloten)"]
        }
        Label::NewCard => ["New card", "Neue Karte", "Nouvelle carte", "Nieuwe kaart"],
        Label::GiftCard => ["Gift card", "Geschenkkarte", "Carte cadeau", "Cadeaukaart"],
        Label::Card => ["Card", "Karte", "Carte", "Kaart"],
        Label::AuthCode => ["Auth code", "Autorisierung", "Autorisation", "Autorisatie"],
        Label::Transaction => ["Transaction", "Transaktion", "Transaction", "Transactie"],
        Label::Reference => ["Reference", "Referenz", "Référence", "Referentie"],
        Label::Order => ["Order", "Auftrag", "Commande", "Order"],
        Label::Product => ["Product", "Produkt", "Produit", "Product"],
        Label::Code => ["Code", "Code", "Code", "Code"],
        Label::Serial => ["Serial no.", "Seriennr.", "N° de série", "Serienr."],
        Label::Cash => ["Cash", "Bar", "Espèces", "Contant"],
        Label::Wallet => ["Wallet", "Wallet", "Portefeuille", "Wallet"],
        Label::Table => ["Table", "Tisch", "Table", "Tafel"],
        Label::OnAccount => ["On account", "Auf Rechnung", "Sur compte", "Op rekening"],
        Label::Other => ["Other", "Sonstige", "Autre", "Overig"],
        Label::Change => ["Change", "Rückgeld", "Rendu", "Wisselgeld"],
    };
    pick(locale, w).to_string()
}

pub fn title(locale: Locale, kind: ReceiptKind) -> &'static str {
    let w = match kind {
        ReceiptKind::GiftSale => {
            ["GIFT CARD SALE", "GESCHENKKARTE VERKAUF", "VENTE CARTE CADEAU", "VERKOOP CADEAUKAART"]
        }
        ReceiptKind::GiftReload => {
            ["GIFT CARD RELOAD", "GESCHENKKARTE AUFLADUNG", "RECHARGE CARTE CADEAU", "OPWAARDERING CADEAUKAART"]
        }
        ReceiptKind::GiftRedeem => {
            ["GIFT CARD PAYMENT", "ZAHLUNG GESCHENKKARTE", "PAIEMENT CARTE CADEAU", "BETALING CADEAUKAART"]
        }
        ReceiptKind::GiftBalance => ["GIFT CARD BALANCE", "GUTHABENABFRAGE", "SOLDE CARTE CADEAU", "SALDO CADEAUKAART"],
        ReceiptKind::GiftActivate => {
            ["GIFT CARD ACTIVATION", "KARTENAKTIVIERUNG", "ACTIVATION CARTE CADEAU", "ACTIVERING CADEAUKAART"]
        }
        ReceiptKind::GiftDeactivate => {
            ["GIFT CARD BLOCKED", "KARTE GESPERRT", "CARTE CADEAU BLOQUÉE", "CADEAUKAART GEBLOKKEERD"]
        }
        ReceiptKind::GiftCashOut => {
            ["GIFT CARD CASH-OUT", "AUSZAHLUNG GESCHENKKARTE", "REMBOURSEMENT CARTE CADEAU", "UITBETALING CADEAUKAART"]
        }
        ReceiptKind::GiftExchange => {
            ["GIFT CARD EXCHANGE", "KARTENTAUSCH", "ÉCHANGE CARTE CADEAU", "OMRUIL CADEAUKAART"]
        }
        ReceiptKind::GiftReversal => ["REVERSAL", "STORNO", "ANNULATION", "STORNERING"],
        ReceiptKind::GiftRefund => {
            ["GIFT CARD REFUND", "ERSTATTUNG GESCHENKKARTE", "CRÉDIT CARTE CADEAU", "TERUGBETALING CADEAUKAART"]
        }
        ReceiptKind::RetailOrder => ["GIFT CARD", "GUTSCHEINKARTE", "CARTE CADEAU", "CADEAUKAART"],
        ReceiptKind::PrintTest => ["PRINTER TEST", "DRUCKERTEST", "TEST IMPRIMANTE", "PRINTERTEST"],
        ReceiptKind::Report => ["REPORT", "BERICHT", "RAPPORT", "RAPPORT"],
        ReceiptKind::SpotOrder => ["TABLE BILL", "TISCHRECHNUNG", "ADDITION", "TAFELREKENING"],
    };
    pick(locale, w)
}

pub fn receipt_no(locale: Locale) -> &'static str {
    pick(locale, ["Receipt", "Beleg", "Ticket", "Bon"])
}

pub fn cashier(locale: Locale) -> &'static str {
    pick(locale, ["Cashier", "Kassierer", "Caissier", "Kassier"])
}

pub fn terminal(locale: Locale) -> &'static str {
    pick(locale, ["Terminal", "Kasse", "Caisse", "Kassa"])
}

pub fn training_banner(locale: Locale) -> &'static str {
    pick(locale, ["TRAINING", "TRAINING", "FORMATION", "TRAINING"])
}

pub fn training_note(locale: Locale) -> &'static str {
    pick(locale, ["Not a valid receipt", "Kein gültiger Beleg", "Ticket non valable", "Geen geldige bon"])
}

pub fn duplicate_banner(locale: Locale) -> &'static str {
    pick(locale, ["DUPLICATE", "DUPLIKAT", "DUPLICATA", "DUPLICAAT"])
}

/// The date and time format of a locale, for `time`'s `format_description::parse`.
pub fn datetime_format(locale: Locale) -> &'static str {
    match locale {
        Locale::EnUs => "[month]/[day]/[year] [hour repr:12]:[minute] [period]",
        Locale::EnGb | Locale::FrFr => "[day]/[month]/[year] [hour]:[minute]",
        Locale::DeDe => "[day].[month].[year] [hour]:[minute]",
        Locale::NlNl => "[day]-[month]-[year] [hour]:[minute]",
    }
}

/// The title of a report printout's hour chart.
pub fn sales_per_hour(locale: Locale) -> &'static str {
    pick(
        locale,
        ["Sales per hour (UTC)", "Verkäufe pro Stunde (UTC)", "Ventes par heure (UTC)", "Verkoop per uur (UTC)"],
    )
}
