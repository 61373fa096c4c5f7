"""Question-answer pairs on financial and banking terms, written by the FinChat team (general, not advice)."""

PAIRS: list[tuple[str, str]] = [
    ("What is the difference between APR and APY?",
     "APR (annual percentage rate) is the yearly cost of borrowing without compounding, while APY (annual percentage "
     "yield) is what a deposit earns in a year including compound interest. APY is quoted for savings, APR for loans "
     "and cards."),
    ("What does APR mean on a credit card?",
     "APR is the annual percentage rate charged on balances you carry past the due date. It is a yearly figure; "
     "card issuers usually apply it as a daily or monthly periodic rate."),
    ("What is APY?",
     "APY, annual percentage yield, is the interest a deposit account earns over one year including the effect of "
     "compounding. It lets you compare savings accounts that compound at different frequencies."),
    ("Why is the APY higher than the interest rate on my savings account?",
     "Because APY includes compounding: interest earned during the year itself earns interest. The more often "
     "interest compounds, the more the APY exceeds the stated interest rate."),
    ("What is compound interest?",
     "Compound interest is interest calculated on both the original amount and the interest already added to it. "
     "Over time it makes savings grow faster than simple interest, and makes unpaid debt grow faster too."),
    ("What is simple interest?",
     "Simple interest is calculated only on the original principal, never on interest already earned or charged. "
     "For example, 5% simple interest on 1,000 is 50 every year."),
    ("How does compounding frequency affect my savings?",
     "The more often interest is compounded (daily rather than monthly or yearly), the sooner earned interest starts "
     "earning interest itself, so the same rate gives a slightly higher APY."),
    ("What is the rule of 72?",
     "The rule of 72 estimates how long money takes to double: divide 72 by the annual interest rate in percent. At "
     "6% a year, money doubles in about 12 years."),
    ("What is an overdraft?",
     "An overdraft happens when a payment takes your checking account below zero and the bank pays it anyway. You "
     "then owe the bank the negative balance, and a fee may apply under your account terms."),
    ("What is overdraft protection?",
     "Overdraft protection links your checking account to another source, such as a savings account or credit line, "
     "so that money moves over automatically when your balance would otherwise go negative."),
    ("What is a non-sufficient funds (NSF) fee?",
     "An NSF fee may be charged when a payment is presented but your account does not hold enough money and the bank "
     "returns the payment unpaid. Your account's fee schedule says whether and how much."),
    ("What is the difference between an overdraft and a returned payment?",
     "With an overdraft the bank pays the item and your balance goes negative; with a returned payment the bank "
     "declines the item, the payee is not paid, and the payee may charge you as well."),
    ("What is ACH?",
     "ACH, the Automated Clearing House, is the US network for electronic batch payments between banks, used for "
     "direct deposit, bill payments and transfers. ACH payments usually settle within one to two business days."),
    ("What is an ACH transfer?",
     "An ACH transfer moves money electronically between bank accounts through the Automated Clearing House network. "
     "Payroll direct deposits and automatic bill payments are common examples."),
    ("What is the difference between an ACH transfer and a wire transfer?",
     "An ACH transfer is processed in batches and usually takes one to two business days at low or no cost; a wire "
     "transfer moves money individually, typically the same day, usually for a fee, and is hard to reverse."),
    ("What is a wire transfer?",
     "A wire transfer sends money directly from one bank to another, usually on the same business day. Once sent, a "
     "wire is very difficult to recall, so check the recipient's details carefully."),
    ("Can a wire transfer be reversed?",
     "Generally no. A wire is final once the receiving bank accepts it. If you sent it in error or to a fraudster, "
     "contact your bank immediately: it can ask the receiving bank to return the money, but success is not assured."),
    ("What is a SWIFT code?",
     "A SWIFT code (or BIC) is an 8 or 11 character identifier of a bank used for international wire transfers. It "
     "tells the sending bank which institution should receive the payment."),
    ("What is an IBAN?",
     "An IBAN, International Bank Account Number, identifies an individual account in international payments. It "
     "includes a country code, check digits and the domestic account details."),
    ("What is a routing number?",
     "A routing number (ABA routing transit number) is a nine-digit code that identifies a US bank or credit union "
     "in checks, direct deposits, ACH and domestic wire transfers."),
    ("What is the difference between a routing number and an account number?",
     "The routing number identifies the bank; the account number identifies your individual account at that bank. "
     "Both are needed to set up a direct deposit or an ACH payment."),
    ("What is escrow?",
     "Escrow is money or property held by a neutral third party until the conditions of an agreement are met. In "
     "home buying, an escrow agent holds the deposit until closing."),
    ("What is a mortgage escrow account?",
     "A mortgage escrow account is held by the loan servicer to pay property taxes and homeowners insurance on your "
     "behalf. Part of each monthly payment goes into it."),
    ("Why did my mortgage payment change when my rate is fixed?",
     "Usually because of escrow: if your property taxes or insurance premiums change, the servicer adjusts the escrow "
     "part of your payment after its annual escrow analysis, even though principal and interest stay the same."),
    ("What is an escrow shortage?",
     "An escrow shortage means the escrow account holds less than needed to pay upcoming taxes and insurance. The "
     "servicer may ask you to pay the difference at once or spread it over future monthly payments."),
    ("What is an index fund?",
     "An index fund is a mutual fund or ETF that aims to track a market index, such as a broad stock index, by "
     "holding its securities. It typically has low costs because it is not actively managed."),
    ("What is an ETF?",
     "An ETF, exchange-traded fund, is a pooled investment that trades on a stock exchange like a share. Many ETFs "
     "track an index, and their price moves during the trading day."),
    ("What is the difference between an ETF and a mutual fund?",
     "Both pool investors' money into a portfolio. ETF shares trade on an exchange throughout the day at market "
     "prices; mutual fund shares are bought and sold from the fund once a day at its net asset value."),
    ("What is diversification?",
     "Diversification means spreading money across different investments, sectors, regions and asset classes so that "
     "a loss in one does not dominate the whole portfolio. It reduces risk but cannot eliminate it."),
    ("Does diversification guarantee that I will not lose money?",
     "No. Diversification reduces the impact of any single investment, but a broad market decline can still lower "
     "the value of a diversified portfolio."),
    ("What is asset allocation?",
     "Asset allocation is how a portfolio is divided among asset classes such as stocks, bonds and cash. It largely "
     "determines the portfolio's overall risk and expected return."),
    ("What is rebalancing a portfolio?",
     "Rebalancing means buying and selling to bring a portfolio back to its target asset allocation after market "
     "moves have shifted it."),
    ("What is a credit score?",
     "A credit score is a number, commonly between 300 and 850 in the US, that summarises your credit history. "
     "Lenders use it to judge how likely you are to repay and to set your rate."),
    ("What affects my credit score?",
     "The main factors are payment history, the amount owed relative to your limits, the length of your credit "
     "history, recent applications for credit and the mix of credit types."),
    ("What is credit utilization?",
     "Credit utilization is the share of your available revolving credit that you are using. A balance of 500 on a "
     "2,000 limit is 25% utilization; lower utilization generally helps a credit score."),
    ("What is a credit report?",
     "A credit report is a record of your credit accounts, balances, payment history and public records kept by a "
     "credit bureau. Lenders review it, and you can request free copies to check for errors."),
    ("What is the difference between a credit report and a credit score?",
     "The credit report is the detailed history of your credit accounts; the credit score is a number calculated "
     "from that report to summarise your credit risk."),
    ("What is a hard inquiry?",
     "A hard inquiry is recorded when a lender checks your credit because you applied for credit. It can lower your "
     "score slightly for a while. Checking your own credit is a soft inquiry and does not affect it."),
    ("What is a soft inquiry?",
     "A soft inquiry is a credit check that is not tied to an application, such as checking your own report or a "
     "pre-approval offer. It does not affect your credit score."),
    ("How can I dispute an error on my credit report?",
     "Contact the credit bureau that shows the error, in writing or online, explain what is wrong and include copies "
     "of supporting documents. You can also contact the company that reported the information."),
    ("What is a credit freeze?",
     "A credit freeze stops most lenders from seeing your credit report, so new accounts are hard to open in your "
     "name. It is free in the US, and you can lift it temporarily when you apply for credit."),
    ("What is a fraud alert?",
     "A fraud alert on your credit file tells lenders to take extra steps to verify your identity before opening "
     "credit in your name. Placing one with one bureau notifies the others."),
    ("What is FDIC insurance?",
     "FDIC insurance protects deposits at insured US banks if the bank fails, up to 250,000 per depositor, per "
     "insured bank, for each account ownership category. It is backed by the US government."),
    ("What does FDIC insurance not cover?",
     "It does not cover investment products such as stocks, bonds, mutual funds, annuities or crypto assets, even if "
     "bought through a bank, nor the contents of safe deposit boxes."),
    ("How much of my money is insured by the FDIC?",
     "The standard limit is 250,000 per depositor, per insured bank, for each account ownership category, such as "
     "single, joint or certain retirement accounts."),
    ("What is NCUA insurance?",
     "NCUA share insurance protects deposits at federally insured credit unions in the same way the FDIC protects "
     "bank deposits, with the same standard limit of 250,000 per member per ownership category."),
    ("What is a certificate of deposit (CD)?",
     "A CD is a savings deposit that pays a fixed rate for a fixed term, from a few months to several years. In "
     "return, you agree to leave the money in until the CD matures."),
    ("What happens if I withdraw from a CD early?",
     "An early withdrawal penalty usually applies, often a number of months of interest set out in the CD's terms. "
     "The penalty can be larger than the interest earned, so it may reduce your principal."),
    ("What happens when my CD matures?",
     "At maturity you can withdraw the money or move it without penalty during a grace period. If you do nothing, "
     "many CDs renew automatically for a similar term at the rate then offered."),
    ("What is a CD ladder?",
     "A CD ladder splits savings across CDs with staggered maturities, for example one, two and three years, so part "
     "of the money becomes available regularly while longer CDs may earn higher rates."),
    ("What is a chargeback?",
     "A chargeback reverses a card transaction through the card network after the cardholder disputes it with the "
     "issuing bank, for example for fraud or for goods that never arrived."),
    ("How is a chargeback different from a refund?",
     "A refund is given voluntarily by the merchant. A chargeback is started by the card issuer at your request when "
     "a merchant will not resolve a valid problem, and follows the card network's dispute rules."),
    ("What is a money market account?",
     "A money market account is a bank deposit account that usually pays a higher rate than regular savings and may "
     "allow some checks or debit card payments. At insured banks it is covered by deposit insurance."),
    ("What is the difference between a money market account and a money market fund?",
     "A money market account is a bank deposit covered by deposit insurance; a money market fund is an investment "
     "fund holding short-term debt, which is not deposit insurance protected and can lose value."),
    ("What is a savings account?",
     "A savings account is a deposit account for money you do not need for daily spending. It pays interest and may "
     "limit how many withdrawals or transfers you can make."),
    ("What is a checking account?",
     "A checking account is a deposit account for everyday transactions: debit card purchases, bill payments, checks "
     "and transfers. It usually pays little or no interest."),
    ("What is a high-yield savings account?",
     "A high-yield savings account pays a rate above typical savings accounts, often offered by online banks. It is "
     "still a deposit account and insured up to the deposit insurance limit at insured banks."),
    ("What is a cashier's check?",
     "A cashier's check is drawn on the bank's own funds and signed by a bank officer, so payees treat it as "
     "guaranteed. Beware of fake cashier's checks used in scams."),
    ("What is a certified check?",
     "A certified check is your personal check that the bank has verified and guaranteed, setting aside the funds in "
     "your account so the check will be paid."),
    ("What is a money order?",
     "A money order is a prepaid payment instrument for a set amount, bought with cash or debit at banks, post offices "
     "and some stores. It is useful when the payee will not accept a personal check."),
    ("What is a stop payment order?",
     "A stop payment order asks your bank not to pay a check or a recurring electronic payment that has not yet been "
     "processed. A fee may apply, and it must be placed before the item is paid."),
    ("What is a hold on a deposit?",
     "A hold means the bank has not yet made deposited funds available to spend while the check is being collected. "
     "Federal rules limit how long most holds can last, and the bank must tell you when funds will be available."),
    ("Why is my check deposit not available yet?",
     "Banks can place a hold while a check clears, especially for large deposits, new accounts or repeated "
     "overdrafts. The deposit receipt or notice tells you when the funds will be available."),
    ("What is a pending transaction?",
     "A pending transaction is authorised but not yet settled. The amount is usually held against your available "
     "balance, and the final amount may differ, for example at hotels or petrol stations."),
    ("What is the difference between available balance and current balance?",
     "The current (ledger) balance includes all posted transactions; the available balance also subtracts pending "
     "transactions and holds, so it shows what you can spend right now."),
    ("What is a debit card?",
     "A debit card takes payments directly from your checking account. Unlike a credit card, you spend your own money "
     "rather than borrowing."),
    ("What is the difference between a debit card and a credit card?",
     "A debit card draws money straight from your bank account; a credit card borrows from the issuer up to a limit, "
     "and you repay later, with interest if you do not pay the full statement balance."),
    ("What is a secured credit card?",
     "A secured credit card requires a cash deposit that usually equals the credit limit. It helps people build or "
     "rebuild credit, since payments are reported to the credit bureaus."),
    ("What is a grace period on a credit card?",
     "The grace period is the time between the end of a billing cycle and the due date during which you can pay the "
     "statement balance in full and owe no interest on purchases."),
    ("What is a minimum payment?",
     "The minimum payment is the smallest amount you must pay by the due date to keep a credit account in good "
     "standing. Paying only the minimum means the rest accrues interest and takes much longer to repay."),
    ("What is a balance transfer?",
     "A balance transfer moves debt from one credit card to another, often to use a lower promotional rate. A "
     "transfer fee usually applies, and the promotional rate ends after a set period."),
    ("What is a cash advance?",
     "A cash advance is cash borrowed against a credit card limit. It usually has a fee, a higher APR than purchases "
     "and no grace period, so interest starts at once."),
    ("What is a credit limit?",
     "A credit limit is the maximum amount you can borrow on a credit card or credit line. Going over it can lead to "
     "declined transactions and may affect your credit score."),
    ("What is a statement balance?",
     "The statement balance is what you owed at the end of the billing cycle. Paying it in full by the due date "
     "generally avoids interest on purchases."),
    ("What is a variable interest rate?",
     "A variable rate can change over time because it is tied to an index, such as the prime rate, plus a margin. "
     "Your payments can rise or fall when the index moves."),
    ("What is a fixed interest rate?",
     "A fixed rate stays the same for the agreed term, so your interest cost and usually your payments are "
     "predictable even if market rates change."),
    ("What is the prime rate?",
     "The prime rate is the interest rate banks use as a benchmark for many loans, especially variable-rate credit "
     "cards and home equity lines. It usually moves with the central bank's policy rate."),
    ("What is the federal funds rate?",
     "It is the target rate at which US banks lend reserves to each other overnight, set by the Federal Reserve. "
     "Changes in it influence rates on loans and savings throughout the economy."),
    ("What is amortization?",
     "Amortization is paying off a loan with regular payments that cover interest and part of the principal. Early "
     "payments are mostly interest; later payments are mostly principal."),
    ("What is an amortization schedule?",
     "An amortization schedule lists each loan payment with how much goes to interest and to principal, and the "
     "remaining balance after each payment."),
    ("What is principal?",
     "Principal is the amount originally borrowed or invested, not counting interest. Loan payments reduce principal; "
     "interest is charged on the principal still owed."),
    ("What is a mortgage?",
     "A mortgage is a loan to buy property that is secured by the property itself. If the loan is not repaid, the "
     "lender can take the property through foreclosure."),
    ("What is the difference between a fixed-rate and an adjustable-rate mortgage?",
     "A fixed-rate mortgage keeps the same rate for the whole term; an adjustable-rate mortgage (ARM) has a rate that "
     "can change at set intervals after an initial fixed period, so payments can go up or down."),
    ("What is a down payment?",
     "A down payment is the part of a home's price you pay upfront; the rest is financed with the mortgage. A larger "
     "down payment lowers the amount borrowed."),
    ("What is private mortgage insurance (PMI)?",
     "PMI protects the lender, not you, when a conventional mortgage has a down payment below 20%. It adds to the "
     "monthly cost and can usually be removed once you have enough equity."),
    ("What is home equity?",
     "Home equity is the market value of your home minus what you still owe on it. It grows as you repay the loan and "
     "if the home's value rises."),
    ("What is a HELOC?",
     "A HELOC, home equity line of credit, lets you borrow against your home's equity as needed up to a limit, "
     "usually at a variable rate. Your home secures it."),
    ("What is the difference between a home equity loan and a HELOC?",
     "A home equity loan gives a lump sum, usually at a fixed rate with fixed payments; a HELOC is a revolving line "
     "you draw on as needed, usually at a variable rate."),
    ("What is refinancing?",
     "Refinancing replaces an existing loan with a new one, usually to get a lower rate, change the term or take cash "
     "out. Closing costs apply, so compare them with the savings."),
    ("What are closing costs?",
     "Closing costs are fees and expenses paid when a mortgage is finalised, such as appraisal, title, origination "
     "and recording fees. Your Closing Disclosure lists them."),
    ("What is loan-to-value (LTV)?",
     "Loan-to-value is the loan amount divided by the property's value. A 160,000 loan on a 200,000 home is 80% LTV; "
     "lower LTV usually means better terms."),
    ("What is debt-to-income ratio?",
     "Debt-to-income (DTI) is your monthly debt payments divided by your gross monthly income. Lenders use it to "
     "judge whether you can afford a new loan."),
    ("What is a personal loan?",
     "A personal loan is an installment loan for a fixed amount, repaid in equal payments over a set term. Many are "
     "unsecured, so the rate depends heavily on your credit."),
    ("What is the difference between secured and unsecured loans?",
     "A secured loan is backed by collateral, such as a car or home, that the lender can take if you default; an "
     "unsecured loan has no collateral, so it usually carries a higher rate."),
    ("What is collateral?",
     "Collateral is an asset pledged to secure a loan. If the borrower does not repay, the lender can take the "
     "collateral to recover the debt."),
    ("What is a co-signer?",
     "A co-signer agrees to repay a loan if the main borrower does not. The debt appears on the co-signer's credit "
     "report and late payments hurt both people."),
    ("What is an installment loan?",
     "An installment loan is repaid in a fixed number of scheduled payments, such as a car loan, mortgage or personal "
     "loan."),
    ("What is revolving credit?",
     "Revolving credit lets you borrow, repay and borrow again up to a limit, as with credit cards and lines of "
     "credit. Payments vary with the balance."),
    ("What is a line of credit?",
     "A line of credit is a borrowing limit you can draw on when needed, paying interest only on what you use. It can "
     "be secured or unsecured."),
    ("What is default on a loan?",
     "Default means failing to repay a loan as agreed, usually after missing several payments. It can lead to "
     "collection, loss of collateral and serious damage to your credit."),
    ("What is a late fee?",
     "A late fee may be charged when a payment arrives after its due date. Late payments can also be reported to "
     "credit bureaus once they are 30 days or more past due."),
    ("What is a prepayment penalty?",
     "A prepayment penalty is a fee some loans charge if you repay all or much of the loan early. Check your loan "
     "agreement to see whether one applies."),
    ("What is inflation?",
     "Inflation is the general rise in prices over time, which reduces what a given amount of money can buy. Savings "
     "earning less than inflation lose purchasing power."),
    ("What is a real interest rate?",
     "A real interest rate is the nominal rate minus inflation. A savings rate of 4% with 3% inflation gives a real "
     "return of roughly 1%."),
    ("What is liquidity?",
     "Liquidity is how quickly and easily an asset can be turned into cash without losing value. Cash and savings are "
     "very liquid; real estate is not."),
    ("What is an emergency fund?",
     "An emergency fund is money set aside in an accessible account to cover unexpected costs such as car repairs, "
     "medical bills or a job loss, so you do not need to borrow."),
    ("What is a budget?",
     "A budget is a plan of expected income and spending over a period, usually a month. It helps you see where money "
     "goes and set aside money for savings and bills."),
    ("What is net worth?",
     "Net worth is everything you own (assets) minus everything you owe (liabilities). It can be negative when debts "
     "exceed assets."),
    ("What is a stock?",
     "A stock is a share of ownership in a company. Its value rises and falls with the company's prospects and the "
     "market, and it may pay dividends."),
    ("What is a bond?",
     "A bond is a loan to a government or company that pays interest over a set term and returns the face value at "
     "maturity. Its market price moves inversely to interest rates."),
    ("Why do bond prices fall when interest rates rise?",
     "Existing bonds pay fixed coupons; when new bonds offer higher rates, older ones are worth less to buyers, so "
     "their prices fall until their yield matches the market."),
    ("What is a dividend?",
     "A dividend is a payment a company makes to its shareholders from its profits, usually in cash. Dividends are "
     "not guaranteed and can be cut."),
    ("What is a mutual fund?",
     "A mutual fund pools money from many investors to buy a portfolio of securities managed by professionals. Its "
     "price, the net asset value, is calculated once per trading day."),
    ("What is an expense ratio?",
     "The expense ratio is a fund's yearly operating cost as a percentage of assets, deducted from its returns. A "
     "0.10% expense ratio costs 1 per 1,000 invested each year."),
    ("What is a brokerage account?",
     "A brokerage account holds investments such as stocks, bonds and funds that you buy and sell through a broker. "
     "It is not a bank deposit and is not covered by deposit insurance."),
    ("What is SIPC protection?",
     "SIPC protects customers of a failed member brokerage firm if securities or cash are missing, up to legal "
     "limits. It does not protect against investment losses from market declines."),
    ("What is market risk?",
     "Market risk is the chance that investments lose value because of broad market moves, such as a recession or "
     "rising rates, regardless of the individual company."),
    ("What is volatility?",
     "Volatility measures how much an investment's price moves up and down. Higher volatility means larger swings and "
     "more uncertainty in the short term."),
    ("What is dollar-cost averaging?",
     "Dollar-cost averaging means investing a fixed amount at regular intervals regardless of price, so you buy more "
     "shares when prices are low and fewer when high."),
    ("What is a 401(k)?",
     "A 401(k) is an employer-sponsored US retirement plan where you contribute part of your pay, often before tax, "
     "and your employer may add a match. Withdrawals before age 59 and a half may be penalised."),
    ("What is an IRA?",
     "An IRA, individual retirement account, is a tax-advantaged account for retirement savings that you open "
     "yourself. Traditional and Roth IRAs differ in when contributions and withdrawals are taxed."),
    ("What is the difference between a traditional IRA and a Roth IRA?",
     "Traditional IRA contributions may be tax-deductible and withdrawals are taxed; Roth IRA contributions are made "
     "after tax and qualified withdrawals are tax-free. A tax professional can say which suits you."),
    ("What is an employer match?",
     "An employer match is money your employer adds to your retirement plan based on your own contributions, for "
     "example 50% of what you contribute up to 6% of pay."),
    ("What is vesting?",
     "Vesting is when employer contributions to your retirement plan become fully yours. Under a vesting schedule you "
     "may need to stay a certain number of years to keep all of them."),
    ("What is a beneficiary?",
     "A beneficiary is the person or organisation you name to receive an account's money or an insurance payout when "
     "you die. Keep beneficiary designations up to date."),
    ("What is a payable-on-death (POD) account?",
     "A POD account names beneficiaries who receive the money directly when the owner dies, without going through "
     "probate. The owner keeps full control while alive."),
    ("What is a joint account?",
     "A joint account is owned by two or more people, each of whom can usually deposit and withdraw. With right of "
     "survivorship, the surviving owner keeps the money if one owner dies."),
    ("What is a custodial account?",
     "A custodial account is held by an adult for a minor. The adult manages the money, which legally belongs to the "
     "child and passes to them at the age set by state law."),
    ("What is a power of attorney for banking?",
     "A power of attorney is a legal document that lets someone act for you, including managing your bank accounts. "
     "Banks ask to review the document before accepting it."),
    ("What is identity theft?",
     "Identity theft is when someone uses your personal information, such as your Social Security number or account "
     "details, to open accounts or make transactions in your name."),
    ("What is phishing?",
     "Phishing is a scam in which criminals pose as a trusted organisation by e-mail, text or phone to trick you into "
     "giving passwords, codes or card details. Banks never ask for your password or one-time code."),
    ("What is two-factor authentication?",
     "Two-factor authentication requires a second proof of identity, such as a code sent to your phone, in addition "
     "to your password. It makes it much harder for someone else to log in."),
    ("What is card skimming?",
     "Skimming is the theft of card details by a hidden device fitted to an ATM, fuel pump or card reader. Check "
     "readers for loose parts and cover the keypad when entering your PIN."),
    ("What is a PIN?",
     "A PIN, personal identification number, is a secret code used with your card at ATMs and some payment "
     "terminals. Never share it, and never write it on the card."),
    ("What is contactless payment?",
     "Contactless payment lets you pay by tapping a card or phone on a terminal using near-field communication. It "
     "uses one-time codes, so it is generally as secure as inserting a chip card."),
    ("What is a mobile check deposit?",
     "A mobile check deposit lets you deposit a check by photographing its front and back in the bank's app. Keep the "
     "paper check until the deposit has fully cleared."),
    ("What is direct deposit?",
     "Direct deposit is an electronic payment of wages, benefits or other income straight into your bank account, "
     "usually through ACH. It is faster and safer than a paper check."),
    ("What is a standing order or recurring transfer?",
     "A recurring transfer moves a set amount on a set schedule, for example monthly from checking to savings, until "
     "you change or cancel it."),
    ("What is autopay?",
     "Autopay automatically pays a bill from your account on its due date, for a fixed amount or the full balance. It "
     "helps avoid late payments, but make sure the account has enough money."),
    ("What is bill pay?",
     "Online bill pay lets you send payments to companies and people from your bank account through online or mobile "
     "banking, either once or on a schedule."),
    ("What is a peer-to-peer payment?",
     "A peer-to-peer payment sends money from one person to another through an app, often within minutes. Treat it "
     "like cash: only pay people you know, since payments can be hard to recover."),
    ("What is a foreign transaction fee?",
     "A foreign transaction fee is a percentage some card issuers charge on purchases made in a foreign currency or "
     "processed abroad. Your card's terms say whether it applies."),
    ("What is an exchange rate?",
     "An exchange rate is the price of one currency in terms of another. Banks and card networks apply an exchange "
     "rate, sometimes with a markup, when you pay or withdraw money abroad."),
    ("What is dynamic currency conversion?",
     "Dynamic currency conversion is when a merchant abroad offers to charge you in your home currency. Its exchange "
     "rate is often worse, so paying in the local currency is usually cheaper."),
    ("What is an ATM fee?",
     "An ATM fee may be charged by the ATM's owner, by your own bank for using another bank's ATM, or both. Using "
     "your bank's network avoids most of them."),
    ("What is a monthly maintenance fee?",
     "A monthly maintenance fee is a charge some banks make for keeping an account open. Many accounts waive it if "
     "you meet conditions such as a minimum balance or direct deposit."),
    ("What is a minimum balance requirement?",
     "A minimum balance requirement is an amount you must keep in an account, daily or on average, to avoid a fee or "
     "to earn a stated rate."),
    ("What is dormant or unclaimed money?",
     "If an account has no activity for a period set by state law, the bank must report it as dormant and eventually "
     "send the money to the state as unclaimed property, which the owner can still claim."),
    ("What is KYC?",
     "KYC, know your customer, is the set of checks banks must make to verify a customer's identity when an account "
     "is opened and to understand how the account will be used."),
    ("Why does the bank ask for my ID to open an account?",
     "Banks are required by law to verify the identity of every customer to prevent fraud, money laundering and the "
     "financing of crime. That is why we ask for ID and your address."),
    ("What is anti-money laundering (AML)?",
     "Anti-money laundering rules require banks to monitor transactions and report suspicious activity, so that money "
     "from crime cannot be disguised as legitimate funds."),
    ("What is a currency transaction report?",
     "In the US, banks file a currency transaction report for cash deposits or withdrawals over 10,000 in one day. "
     "It is a routine legal requirement, not an accusation."),
    ("What is a credit union?",
     "A credit union is a not-for-profit financial cooperative owned by its members. It offers services similar to a "
     "bank, and deposits at federally insured credit unions are covered by NCUA insurance."),
    ("What is the difference between a bank and a credit union?",
     "Banks are usually for-profit companies owned by shareholders; credit unions are not-for-profit cooperatives "
     "owned by their members, who often must share a common bond such as an employer or area."),
    ("What is an online bank?",
     "An online bank operates mainly through its website and app without branches. Lower costs often allow higher "
     "savings rates; check that it is insured."),
    ("What is a fiduciary?",
     "A fiduciary is someone legally required to act in your best interest, such as a trustee or some financial "
     "advisers. Ask any adviser whether they act as a fiduciary."),
    ("What is a trust?",
     "A trust is a legal arrangement in which a trustee holds assets for the benefit of beneficiaries under the terms "
     "set by the person who created it."),
    ("What is a bank statement?",
     "A bank statement lists the transactions, fees, interest and balances of an account for a period, usually a "
     "month. Review it to spot errors or unauthorised charges."),
    ("What is reconciliation of a bank account?",
     "Reconciling means comparing your own records with the bank statement so that every deposit, payment and fee "
     "matches and any error is found early."),
    ("What is an interest-bearing account?",
     "An interest-bearing account pays interest on the money in it, such as savings accounts, money market accounts, "
     "CDs and some checking accounts."),
    ("What is a sweep account?",
     "A sweep account automatically moves money above or below a set level between accounts, for example moving spare "
     "cash from checking into an interest-earning account at the end of each day."),
    ("What is a payday loan?",
     "A payday loan is a small, short-term loan due on your next payday, usually with very high fees that amount to a "
     "very high APR. Cheaper options are usually worth exploring first."),
    ("What is buy now, pay later?",
     "Buy now, pay later splits a purchase into a few instalments, often interest-free if paid on time. Late fees can "
     "apply, and several plans at once can become hard to manage."),
    ("What is debt consolidation?",
     "Debt consolidation combines several debts into one new loan or balance transfer, ideally at a lower rate, so "
     "there is a single monthly payment."),
    ("What is the debt avalanche method?",
     "The avalanche method pays the minimum on every debt and puts any extra money toward the debt with the highest "
     "interest rate first, which minimises total interest."),
    ("What is the debt snowball method?",
     "The snowball method pays off the smallest balance first while paying minimums on the rest, then rolls that "
     "payment into the next smallest, which builds motivation."),
    ("What is a charge-off?",
     "A charge-off is when a lender writes off a seriously delinquent debt as a loss, usually after about 180 days. "
     "You still owe the debt, and it stays on your credit report for years."),
    ("What is bankruptcy?",
     "Bankruptcy is a legal process for people or businesses who cannot repay their debts, which may discharge or "
     "restructure them under court supervision. It seriously affects credit for years."),
    ("What is a FICO score?",
     "A FICO score is a widely used credit score model, ranging from 300 to 850, calculated from the information in "
     "your credit report."),
    ("What is a recession?",
     "A recession is a significant, widespread decline in economic activity lasting more than a few months, usually "
     "seen in falling output, income and employment."),
    ("What is a yield curve?",
     "A yield curve plots interest rates of bonds with the same credit quality across maturities. Normally longer "
     "maturities pay more; an inverted curve has short rates above long ones."),
    ("What is a Treasury bill?",
     "A Treasury bill is short-term US government debt maturing in a year or less. It is sold at a discount and pays "
     "its face value at maturity."),
    ("What is a capital gain?",
     "A capital gain is the profit from selling an asset for more than you paid for it. A capital loss is the "
     "opposite. Tax rules on gains vary, so consult a tax professional."),
    ("What is risk tolerance?",
     "Risk tolerance is how much fluctuation in investment value a person can accept, financially and emotionally. "
     "It depends on goals, time horizon and circumstances."),
    ("What is a time horizon in investing?",
     "The time horizon is how long you expect to keep money invested before you need it. Longer horizons can usually "
     "absorb more short-term ups and downs."),
    ("What is an annuity?",
     "An annuity is an insurance contract that turns a payment or series of payments into a stream of income, often "
     "for retirement. Annuities are not bank deposits and are not deposit insured."),
    ("What is the Truth in Savings Act?",
     "The US Truth in Savings Act requires banks to disclose deposit account terms clearly, including the APY, fees "
     "and minimum balance requirements, so customers can compare accounts."),
    ("What is the Truth in Lending Act?",
     "The US Truth in Lending Act requires lenders to disclose credit terms, including the APR and total finance "
     "charge, before you commit, so that loans can be compared."),
    ("What is Regulation E?",
     "Regulation E is the US rule for electronic fund transfers. It sets how banks handle errors and unauthorised "
     "electronic transactions, and how your liability depends on how quickly you report them."),
    ("What is a finance charge?",
     "A finance charge is the total cost of credit in money terms, including interest and certain fees. It is shown "
     "on loan disclosures and credit card statements."),
    ("What is a billing cycle?",
     "A billing cycle is the period between two statements, usually about a month. Purchases and payments in the cycle "
     "appear on the statement that closes it."),
    ("What is an authorised user on a credit card?",
     "An authorised user can use someone else's credit card account but is not legally responsible for the debt. The "
     "account may appear on their credit report."),
    ("What is a negative balance?",
     "A negative balance means you owe money on the account, for example after an overdraft. Bring it back above zero "
     "as soon as possible to avoid further fees."),
    ("What is a wire recall?",
     "A wire recall is a request from the sending bank asking the receiving bank to return a wire. The receiving bank "
     "needs the recipient's permission, so recovery is not guaranteed."),
    ("What is positive pay?",
     "Positive pay is a fraud prevention service for business accounts: the bank compares checks presented for payment "
     "with the list of checks the business issued and flags mismatches."),
    ("What is a treasury management service?",
     "Treasury management services help businesses manage cash: payments, collections, sweeps, fraud controls and "
     "reporting across their accounts."),
    ("What is a merchant account?",
     "A merchant account lets a business accept card payments. Card payments are settled into it and then transferred "
     "to the business's bank account, minus processing fees."),
]
