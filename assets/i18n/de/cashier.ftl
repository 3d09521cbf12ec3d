### Deutsch: cashier (owner: cashier). Same ids and parameters as en/cashier.ftl.

cashier-pin-title = Karten-PIN
cashier-pin-short = Die PIN hat mindestens 4 Ziffern.
cashier-pin-hint-type = Der Kunde gibt die PIN der Karte ein, dann Enter.
cashier-pin-hint-back = Esc geht zurück; auf der Karte ist nichts geschehen.
cashier-approve-title = Freigabe durch die Leitung
cashier-approve-needed = Das gibt eine Filialleitung frei: sie gibt hier ihre Nummer und PIN ein.
cashier-approve-refused = Das ist keine Nummer mit PIN einer Filialleitung (nach 5 falschen PINs wird gesperrt).
cashier-approve-number-first = Zuerst gibt die Filialleitung ihre Benutzernummer ein.
cashier-approve-hint = Eine Filialleitung gibt diesen Vorgang hier frei:
cashier-approve-hint-keys = Nummer, Enter, PIN, Enter.
cashier-balance-changed = Das Guthaben hat sich seit der Anzeige geändert: jetzt { $balance }.
cashier-balance-reread = Guthaben neu gelesen: { $balance }.
cashier-load-min = Die kleinste Aufladung ist { $amount }.
cashier-load-max = Die größte Aufladung ist { $amount }: bitte weniger aufladen.
cashier-load-balance-limit = Eine Karte fasst höchstens { $limit }: auf diese passen noch { $room }.
cashier-cash-out-never = Dieses Gutscheinprogramm zahlt nie bar aus.
cashier-cash-out-threshold = Barauszahlung nur bei einem Guthaben bis { $threshold }; sonst bitte mit der Karte bezahlen.
cashier-trainer-live = Trainer üben an der Trainingskasse: mit till --training starten. Hier wurde nichts geöffnet.
cashier-field-pin = PIN
cashier-field-manager = Leitung
cashier-approve-settings = Die Einstellungen der Kasse sind Sache der Filialleitung: Sie gibt das Öffnen hier frei.
cashier-approve-checking = Freigabe wird geprüft …
cashier-users-title = Benutzer
cashier-users-loading = Benutzer werden geladen …
cashier-users-unlock-title = Benutzer entsperren
cashier-users-hint = ↑/↓ gesperrten Benutzer wählen, u entsperrt ihn (eine Filialleitung gibt frei).
cashier-users-hint-cli = Deaktivieren, aktivieren und neue PINs: till user auf dem Server.
cashier-users-not-locked = { $number } { $name } ist nicht gesperrt.
cashier-users-unlocked = { $number } { $name } ist entsperrt und kann sich wieder anmelden.
cashier-users-approve-unlock = Eine Filialleitung gibt das Entsperren von Benutzer { $number } frei.
cashier-users-unlocking = Wird entsperrt …
cashier-users-disabled = deaktiviert
cashier-users-locked = { $count ->
    [one] gesperrt (1 falsche PIN)
   *[other] gesperrt ({ $count } falsche PINs)
}
