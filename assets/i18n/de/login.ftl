### Deutsch: login (owner: i18n). Same ids and parameters as en/login.ftl.

login-engine-unavailable = Der Kassenserver ist nicht erreichbar: { $reason }
login-session-ended = Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.
login-locked-idle = Wegen Inaktivität gesperrt. Geben Sie Ihre PIN ein, um fortzufahren.
login-user-number = Benutzernummer
login-pin = PIN
login-number-first = Geben Sie zuerst Ihre Benutzernummer ein.
login-pin-length = Eine PIN hat 4 bis 8 Ziffern.
login-refused = Benutzernummer oder PIN falsch. Nach { $tries } falschen PINs in Folge ist ein Benutzer { $minutes } Minuten gesperrt (eine Filialleitung hebt das auf: Benutzer, u auf der Startseite).
login-title = { $merchant } · Kasse { $terminal }
login-title-unknown = Kasse
login-checking = Wird geprüft…
login-hint = Benutzernummer eingeben oder scannen, dann die PIN.
login-demo-users = Demo-Benutzer: Kassenkraft 1001/1234 · Filialleitung 9001/9999
login-demo-trainer = Demo-Schulungsleitung: 7001/7777
