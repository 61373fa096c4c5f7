"""Customer-service answers in a bank's voice, written by the FinChat team; generic, with no real bank's fees."""

PAIRS: list[tuple[str, str]] = [
    ("How do I open a checking account?",
     "You can open a checking account online, in our app or at a branch. Please have a government-issued photo ID, "
     "your address and your Social Security or tax ID number ready, plus money for the opening deposit."),
    ("What documents do I need to open an account?",
     "We need a valid government-issued photo ID, proof of your address and your taxpayer identification number. For "
     "a joint account, we need the same from each owner."),
    ("Can I open an account online?",
     "Yes. Most personal accounts can be opened online or in our app in a few minutes. We will verify your identity "
     "and you can fund the account by transfer from another bank."),
    ("How do I close my account?",
     "We are sorry to see you go. You can close an account at a branch or by calling customer service. Please make "
     "sure all pending payments have cleared and move any automatic payments or deposits first."),
    ("I lost my debit card. What should I do?",
     "Please lock or report the card right away in our app or by calling the number on our website, available around "
     "the clock. We will cancel it and send you a replacement."),
    ("My card was stolen. How do I report it?",
     "Report it immediately in the app or by phone so we can block the card. Then review recent transactions and tell "
     "us about any you did not make; we will send a new card."),
    ("How do I lock my debit card temporarily?",
     "In our mobile app, open the card's settings and switch the lock on. Purchases and withdrawals are declined while "
     "it is locked, and you can unlock it at any time."),
    ("How long does it take to get a replacement card?",
     "A replacement card usually arrives by mail within several business days. If you need it sooner, ask us about "
     "expedited delivery; a fee may apply under your account terms."),
    ("How do I activate my new card?",
     "You can activate your new card in our app, through online banking or by calling the number on the sticker on "
     "the card. You may be asked to set or confirm your PIN."),
    ("How can I change my PIN?",
     "You can change your PIN in our app, at one of our ATMs, or at a branch. Avoid numbers that are easy to guess, "
     "such as your birth date."),
    ("I forgot my online banking password.",
     "Select 'Forgot password' on the sign-in page and follow the steps to verify your identity and create a new "
     "password. We will never ask you for your password by phone or e-mail."),
    ("Why is my online banking account locked?",
     "For your security, online access is locked after several unsuccessful sign-in attempts. You can reset your "
     "password online, or call us and we will help you regain access after verifying your identity."),
    ("I see a transaction I don't recognise.",
     "Please tell us as soon as possible through the app or by phone. We will review the transaction with you and, if "
     "it is unauthorised, block the card and start a dispute."),
    ("How do I dispute a card transaction?",
     "Select the transaction in our app and choose 'Dispute', or call us. Tell us what happened and include any "
     "receipts or messages with the merchant. We will keep you informed as the dispute progresses."),
    ("How long does a dispute take?",
     "Many disputes are resolved within a few weeks, but some take longer because the card network's rules give the "
     "merchant time to respond. We may give you a provisional credit while we investigate."),
    ("I was charged twice for the same purchase.",
     "Sometimes a duplicate is a pending authorisation that will drop off within a few days. If both charges have "
     "posted, please contact us or the merchant and we will help you get the duplicate reversed."),
    ("How do I set up direct deposit?",
     "Give your employer our routing number and your account number, or download a pre-filled direct deposit form "
     "from our app. Your first deposit may take one or two pay cycles to arrive."),
    ("Where can I find my routing and account numbers?",
     "You can find them in our app under account details, in online banking, and at the bottom of your checks. The "
     "routing number is the first nine digits on a check."),
    ("How do I send a wire transfer?",
     "You can send a wire in online banking or at a branch. You will need the recipient's name, address, bank name, "
     "routing number or SWIFT code and account number. Check these carefully, because wires are hard to reverse."),
    ("What information do I need to receive an international wire?",
     "Give the sender your full name and address as on the account, your account number, our bank's SWIFT code and "
     "our address. Our website and app list the exact details to share."),
    ("How long does a domestic wire take?",
     "A domestic wire sent before the daily cutoff time usually arrives the same business day. Wires sent after the "
     "cutoff, or on weekends and holidays, are processed on the next business day."),
    ("How long do ACH transfers take?",
     "Standard ACH transfers usually arrive within one to three business days. Transfers made after the cutoff time "
     "or on weekends and holidays start on the next business day."),
    ("How do I transfer money to another bank?",
     "In online banking, add the external account by entering its routing and account numbers and verifying it, then "
     "schedule a transfer. Transfers usually take one to three business days."),
    ("How do I deposit a check with the app?",
     "Open our app, choose 'Deposit', select the account, enter the amount and photograph the front and back of the "
     "endorsed check. Keep the check until the funds are available."),
    ("Why was my mobile deposit rejected?",
     "Common reasons are a blurry or cropped photo, a missing endorsement, an amount that does not match the check, "
     "or a deposit above your mobile limit. The app shows the reason; you can retake the photos or deposit at a "
     "branch or ATM."),
    ("How do I endorse a check for mobile deposit?",
     "Sign the back of the check and write the restrictive endorsement shown in our app, such as 'For mobile deposit "
     "only', under your signature."),
    ("When will my deposit be available?",
     "Most deposits are available by the next business day. Some checks may be held longer; if so, we will tell you "
     "when the funds will be available at the time of deposit or by notice."),
    ("How can I avoid overdraft fees?",
     "Set up low-balance alerts, link a savings account for overdraft protection, and check your available balance "
     "before making purchases. Our fee schedule explains any fees that may apply to your account."),
    ("Can you refund an overdraft fee?",
     "We understand fees are frustrating. Please contact us with the details and we will review your account; we "
     "cannot promise a refund, but we will look at your situation."),
    ("How do I set up account alerts?",
     "In our app or online banking, open the alerts settings and choose the alerts you want, such as low balance, "
     "large transactions or deposits, by text, e-mail or push notification."),
    ("How do I order checks?",
     "You can order checks in online banking, by phone or at a branch. Please allow about one to two weeks for "
     "delivery."),
    ("How do I stop a check?",
     "You can place a stop payment in online banking, by phone or at a branch, provided the check has not already "
     "been paid. Please have the check number, amount and payee ready; a fee may apply."),
    ("How do I update my address?",
     "You can update your address in online banking under your profile, in our app, or at a branch. We may ask you to "
     "verify your identity before making the change."),
    ("How do I change my phone number or e-mail?",
     "Sign in to online banking or our app and update your contact details under your profile. For your security, we "
     "may send a confirmation to your old and new contact details."),
    ("How do I add a joint owner to my account?",
     "Both of you will need to visit a branch or complete the process with us by phone, and the new owner must "
     "provide ID and their taxpayer identification number."),
    ("How do I add a beneficiary to my account?",
     "You can add a payable-on-death beneficiary in online banking, if available for your account type, or at a "
     "branch. You will need the beneficiary's full name and some identifying details."),
    ("How do I get a copy of my statement?",
     "Statements are available in online banking and the app, usually for the last several years, as PDF files you "
     "can download or print. Older statements can be requested from customer service."),
    ("How do I switch to paperless statements?",
     "In online banking, open statement preferences and choose electronic statements. We will notify you by e-mail "
     "when each new statement is ready."),
    ("What are your customer service hours?",
     "Our customer service hours, branch hours and holiday closures are listed on our website and in the app. Card "
     "loss and fraud can be reported at any time, day or night."),
    ("How can I contact a real person?",
     "You can call our customer service line, use secure messaging in online banking, or visit a branch. I can also "
     "help with general questions here."),
    ("Where is the nearest branch or ATM?",
     "Use the branch and ATM locator in our app or on our website; it shows addresses, opening hours and services at "
     "each location."),
    ("Is there a limit on ATM withdrawals?",
     "Yes, there is a daily limit on ATM withdrawals and on debit card purchases to protect your account. You can see "
     "your limits in the app, and ask us about a temporary increase if you need one."),
    ("Can I increase my daily transfer limit?",
     "Limits protect your account, but in some cases we can raise them. Please contact customer service; we may need "
     "to verify your identity before a change."),
    ("How do I apply for a credit card?",
     "You can apply online, in our app or at a branch. We will ask about your income and housing costs and check your "
     "credit; many applications get a decision within minutes."),
    ("How do I request a credit limit increase?",
     "You can request an increase in online banking or by phone. We review your income, payment history and credit, "
     "which may involve a credit check."),
    ("How do I pay my credit card bill?",
     "You can pay from a checking account in online banking or the app, set up autopay, pay by phone or at a branch. "
     "Pay at least the minimum by the due date to avoid a late fee."),
    ("When is my credit card payment due?",
     "The due date is on your monthly statement and in our app. It is the same day each month; you can also ask us to "
     "change it to suit your pay schedule."),
    ("How do I apply for a mortgage?",
     "You can start an application online or with one of our mortgage specialists. We will ask about your income, "
     "debts, assets and the property, and we will explain the steps and documents needed."),
    ("How do I apply for a personal loan?",
     "You can apply online, by phone or at a branch. We will ask about the amount, purpose, your income and your "
     "expenses, and check your credit before making a decision."),
    ("What happens if I miss a loan payment?",
     "A late fee may apply under your loan agreement, and payments 30 or more days late may be reported to credit "
     "bureaus. If you are having difficulty, please contact us early: we may be able to discuss options."),
    ("I am having trouble paying my loan. Can you help?",
     "Thank you for letting us know. Please contact our customer service team as soon as possible; depending on your "
     "situation, options such as a payment plan or changed due date may be available."),
    ("How do I make an extra payment toward my loan principal?",
     "You can make an additional payment in online banking and mark it as a principal payment. Check your loan "
     "agreement for any prepayment terms."),
    ("How do I get a payoff quote for my loan?",
     "You can request a payoff quote in online banking or by calling us. It shows the amount needed to pay the loan "
     "in full on a given date, including interest to that date."),
    ("How do I open a savings account for my child?",
     "A parent or guardian can open a minor's savings account at a branch or online, with ID for both of you and the "
     "child's Social Security number."),
    ("Can I open a CD online?",
     "Yes, you can open a CD online or at a branch. Choose the term, fund it from an existing account, and review the "
     "early withdrawal terms before you confirm."),
    ("What are your current interest rates?",
     "Rates change over time, so please check the current rates shown on our website, in the app or at a branch. I "
     "can explain how APY works or how to compare accounts."),
    ("How do I travel abroad with my card?",
     "Tell us your travel dates in the app if it offers travel notices, make sure your contact details are current so "
     "we can reach you, and check whether foreign transaction fees apply to your card."),
    ("My card was declined. Why?",
     "Common reasons are insufficient available balance, a daily limit, a locked card, an expired card or a security "
     "check on an unusual purchase. Check the app for alerts, or call us and we will look into it."),
    ("I received a text asking me to confirm a transaction. Is it real?",
     "Do not reply with codes or click links if you are unsure. Open our app or call the number on the back of your "
     "card to check. We will never ask for your password, PIN or one-time code."),
    ("Someone called claiming to be from the bank and asked for my code.",
     "Please do not share the code: we never ask for passwords, PINs or one-time codes. Hang up and call us on the "
     "number on your card or our website so we can secure your account."),
    ("I think I was scammed. What should I do?",
     "Contact us immediately by phone so we can try to stop payments and secure your account. Then change your "
     "passwords, and report the scam to the authorities; we will guide you through the next steps."),
    ("How do I report a suspicious e-mail pretending to be the bank?",
     "Do not click links or open attachments. Forward the e-mail to the fraud reporting address on our website and "
     "then delete it. If you entered any details, call us straight away."),
    ("Do you charge for using other banks' ATMs?",
     "Fees for using other banks' ATMs depend on your account type and are listed in your account's fee schedule. The "
     "ATM owner may also charge its own fee, shown on the screen before you confirm."),
    ("What is the fee for my account?",
     "Fees depend on the account you hold. Your account's fee schedule, available in online banking, in the app and at "
     "branches, lists them, along with ways to waive the monthly fee where available."),
    ("Can I get a cashier's check?",
     "Yes, cashier's checks are available at our branches. Bring ID and the payee's exact name; the funds are taken "
     "from your account when the check is issued."),
    ("How do I add money to my savings automatically?",
     "Set up a recurring transfer from checking to savings in online banking or the app, for example on each payday. "
     "You can change or stop it at any time."),
    ("Can I have my paycheck split between accounts?",
     "Yes. Many employers let you split direct deposit between accounts; give them our routing number and each "
     "account number with the amount or percentage for each."),
    ("How do I send money to a friend?",
     "You can use the person-to-person payments in our app with your friend's e-mail or mobile number. Send money only "
     "to people you know and trust, since payments are hard to reverse."),
    ("I sent money to the wrong person. Can I get it back?",
     "Please contact us right away. If the payment has not been completed we may be able to cancel it; otherwise we "
     "can contact the recipient's bank, but we cannot guarantee the money will be returned."),
    ("How do I close a joint account?",
     "Requirements depend on the account agreement; often either owner can close it, but some require both. Please "
     "contact us or visit a branch and we will explain what is needed."),
    ("What happens to an account when the owner dies?",
     "Please accept our condolences. Contact us or visit a branch with the death certificate; we will explain the "
     "process, which depends on joint owners, beneficiaries and the estate."),
    ("How do I give someone power of attorney over my account?",
     "Bring the signed power of attorney document and ID for both of you to a branch. Our team will review the "
     "document before your agent can act on the account."),
    ("Can I open a business account?",
     "Yes. For a business account we need the business's formation documents, its tax ID number and ID for the owners "
     "and signers. You can start online or at a branch."),
    ("How do I get a letter confirming my account details?",
     "We can provide an account verification letter; request it through secure messaging, by phone or at a branch. "
     "Allow a few business days for it to be prepared."),
    ("How do I find out why I was charged interest on my credit card?",
     "Interest is usually charged when the previous statement balance was not paid in full by the due date, or on "
     "cash advances. Your statement shows the interest calculation; we are happy to go through it with you."),
    ("How do I cancel a recurring card payment?",
     "Cancel it with the merchant first. If charges continue, contact us: we can help you stop future payments and, "
     "if needed, dispute charges made after you cancelled."),
    ("Is my money safe with you?",
     "Deposits at an insured bank are protected by federal deposit insurance up to the legal limits. We also protect "
     "your accounts with fraud monitoring, encryption and secure sign-in."),
    ("Can I make a complaint?",
     "Yes, and we want to hear it. You can complain by phone, secure message, letter or at a branch. We will "
     "acknowledge it and explain how and when we will respond."),
    ("Can you send me a new debit card with a different design?",
     "Card designs depend on what is available for your account. Please check the card options in the app or ask "
     "customer service, who can order a replacement if a new design is offered."),
    ("How do I enrol in online banking?",
     "Select 'Enrol' on our website or app, enter your account or card details and personal information to verify "
     "your identity, then create your username and password."),
    ("Can I use my phone to pay?",
     "Yes, you can add your debit or credit card to a supported mobile wallet. Open the wallet app on your phone, add "
     "the card, and complete the verification we send."),
    ("How do I report a problem with an ATM?",
     "If an ATM kept your card or did not dispense cash but debited your account, please call us straight away with "
     "the ATM location, date and time. We will investigate and correct any error."),
    ("The ATM did not give me my cash but my account was charged.",
     "We are sorry about that. Please report it to us with the ATM location, time and amount. We will investigate, and "
     "if the machine did not dispense the cash, we will credit your account."),
    ("How do I get my tax forms from the bank?",
     "Tax forms, such as interest statements, are usually available in online banking early in the year and are "
     "mailed if you have not chosen paperless delivery."),
    ("Can I speak to someone in another language?",
     "We aim to help customers in their preferred language. Please call customer service and ask; interpretation "
     "services may be available."),
    ("Do you offer accounts with no monthly fee?",
     "Many banks, including ours, offer accounts where the monthly fee can be waived or does not apply. Please compare "
     "our accounts on our website or ask our staff which suits how you bank."),
    ("Can I withdraw a large amount of cash?",
     "Yes, but for large cash withdrawals we recommend calling your branch a day or two ahead so that the cash is "
     "available. Please bring ID."),
]
