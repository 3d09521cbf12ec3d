### English: home (owner: i18n). Ids start with "home-". See assets/i18n/README.md.

home-gift = Gift card
home-gift-what = sell, reload, redeem, check balance, cash out, exchange
home-retail = Retail gift cards
home-retail-what = sell third-party cards: print a code or activate a card
home-spots = Spots
home-spots-what = tables: who waits where, put the bill on, confirm wallet payments
home-journal = Journal
home-journal-what = today's operations on this till, reprint, reverse last
home-settings = Settings
home-settings-what = printer, paper width, locale, language, receipt header
home-shift = Shift
home-shift-what = open or close your shift: count the drawer, paid in and out
home-users = Users
home-users-what = who is locked after wrong PINs; a manager unlocks them
home-reports = Reports
home-reports-what = X and Z reports, past Zs, gift card liability, settlement
home-hello = Hello { $name }
home-title = Home
home-scan-hint = Scan or swipe a gift card here to go straight to it.
