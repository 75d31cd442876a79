"""Complaint narratives in English and Hindi, assembled from sentences per scam type.

Placeholders: {alias}, {trap} (an impersonated brand or agency), {amount}.
Identifier mentions are separate sentences so that some identifiers live only in the text.
"""

from __future__ import annotations

import random

OPENINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "tech_support": {
        "en": (
            "A pop-up said my computer was infected and to call {trap} support.",
            "Someone claiming to be from {trap} said my PC was hacked and took remote access.",
        ),
        "hi": ("स्क्रीन पर वायरस का संदेश आया और {trap} सपोर्ट को कॉल करने को कहा गया।",),
    },
    "government_impersonation": {
        "en": (
            "A caller said he was from the {trap} and my Social Security number was suspended.",
            "Recorded message said there is a warrant for my arrest from the {trap}.",
        ),
        "hi": ("कॉल करने वाले ने खुद को {trap} का अधिकारी बताया।",),
    },
    "digital_arrest": {
        "en": (
            "Caller said he was an officer of {trap} and a parcel in my name had drugs. "
            "They kept me on video call for hours saying I was under digital arrest.",
        ),
        "hi": (
            "एक व्यक्ति ने खुद को {trap} अधिकारी बताया और कहा कि मेरे नाम के पार्सल में ड्रग्स "
            "मिले हैं। वीडियो कॉल पर घंटों तक डिजिटल अरेस्ट में रखा।",
            "{alias} ने कहा कि मेरे आधार कार्ड से मनी लॉन्ड्रिंग हुई है और गिरफ्तारी होगी।",
        ),
    },
    "kyc_update": {
        "en": ("SMS said my {trap} account will be blocked today unless I update KYC.",),
        "hi": (
            "मैसेज आया कि आज रात {trap} खाता बंद हो जाएगा, KYC अपडेट करें।",
            "बैंक के नाम से कॉल आया और KYC अपडेट के लिए OTP माँगा गया।",
        ),
    },
    "investment": {
        "en": (
            "I was added to a WhatsApp group that promised 30% returns trading through {trap}.",
            "{alias} showed me profits on a trading app but I could never withdraw.",
        ),
        "hi": (
            "व्हाट्सऐप ग्रुप में शेयर ट्रेडिंग से रोज़ मुनाफ़े का लालच दिया गया।",
            "ऐप पर मुनाफ़ा दिखता रहा पर पैसे निकालने पर टैक्स के नाम पर और पैसे माँगे।",
        ),
    },
    "loan_app": {
        "en": (
            "I took a small loan from an instant loan app and they now threaten to send "
            "morphed photos to my contacts.",
        ),
        "hi": ("लोन ऐप से छोटा लोन लिया, अब वे मेरी फ़ोटो बदलकर रिश्तेदारों को भेजने की धमकी दे रहे हैं।",),
    },
    "job_offer": {
        "en": (
            "I was offered a part-time job liking videos and reviews; after small payouts "
            "they asked me to prepay for premium tasks.",
        ),
        "hi": ("पार्ट-टाइम नौकरी में वीडियो लाइक करने के पैसे मिले, फिर प्रीपेड टास्क के नाम पर पैसे लिए।",),
    },
    "lottery_prize": {
        "en": ("I was told I won a sweepstakes and had to pay taxes and fees first.",),
        "hi": ("कहा गया कि मेरी लॉटरी लगी है, पहले टैक्स भरना होगा।",),
    },
    "romance": {
        "en": ("{alias}, whom I met online, needed money for customs fees to visit me.",),
        "hi": ("ऑनलाइन मिले {alias} ने मिलने आने के लिए पैसे माँगे।",),
    },
    "customer_care": {
        "en": (
            "I got a call about a suspicious {trap} order and they offered a refund.",
            "I searched for the {trap} customer care number online and called it.",
        ),
        "hi": ("ऑनलाइन {trap} कस्टमर केयर नंबर खोजकर कॉल किया, रिफ़ंड के नाम पर पैसे कटे।",),
    },
    "sextortion": {
        "en": ("After a video call they threatened to post a recording unless I paid.",),
        "hi": ("वीडियो कॉल के बाद रिकॉर्डिंग वायरल करने की धमकी देकर पैसे माँगे।",),
    },
    "debt_relief": {
        "en": ("A robocall offered to cut my credit card interest if I paid a fee upfront.",),
        "hi": ("क्रेडिट कार्ड का ब्याज कम करने के नाम पर फ़ीस माँगी गई।",),
    },
    "utility": {
        "en": ("SMS said my electricity would be cut tonight unless I called the officer.",),
        "hi": ("मैसेज आया कि बिजली बिल बकाया है, आज रात कनेक्शन कट जाएगा।",),
    },
    "sim_swap": {
        "en": (
            "My phone lost signal after a caller from {trap} asked me to reply to an SMS for a "
            "5G upgrade; that night money left my bank account.",
        ),
        "hi": (
            "{trap} के नाम से कॉल आया, 5G अपग्रेड के लिए SMS भेजने को कहा; फिर सिम बंद हो गया "
            "और रात में खाते से पैसे निकल गए।",
        ),
    },
    "aeps": {
        "en": (
            "Money was withdrawn from my account through AEPS although I never gave my "
            "thumbprint; my {trap} details were used.",
        ),
        "hi": ("मैंने कहीं अँगूठा नहीं लगाया, फिर भी AEPS से मेरे खाते से पैसे निकाल लिए गए।",),
    },
    "bec": {
        "en": (
            "An e-mail that looked like it came from {trap} said their bank account had "
            "changed, and we paid the invoice to the new account.",
        ),
        "hi": ("सप्लायर जैसे दिखने वाले ई-मेल में नया बैंक खाता बताया गया और हमने बिल का भुगतान उसमें कर दिया।",),
    },
    "betting_gaming": {
        "en": (
            "{alias} added me to a {trap} group; I won small amounts at first, then my "
            "deposits were stuck and they asked for a fee to withdraw.",
        ),
        "hi": ("{trap} ऐप पर पहले थोड़ा जीतने दिया, फिर जमा पैसे अटक गए और निकालने के लिए फ़ीस माँगी।",),
    },
    "upi_collect": {
        "en": (
            "A buyer on {trap} sent a UPI collect request saying I would receive money, and "
            "when I entered my PIN the money left my account.",
        ),
        "hi": (
            "{trap} पर खरीदार ने पैसे भेजने के नाम पर UPI कलेक्ट रिक्वेस्ट भेजी; PIN डालते ही "
            "मेरे खाते से पैसे कट गए।",
        ),
    },
    "demat_stock_tips": {
        "en": (
            "A {trap} 'advisor' on WhatsApp sent stock tips and asked me to open a Demat "
            "account on their app; the profits were fake.",
        ),
        "hi": (
            "व्हाट्सऐप पर {trap} सलाहकार ने शेयर टिप्स दिए और अपने ऐप पर डीमैट खाता खुलवाया; मुनाफ़ा नकली था।",
        ),
    },
}
GENERIC_OPENING = {
    "en": ("I was cheated by someone who called me.",),
    "hi": ("मेरे साथ धोखाधड़ी हुई है।",),
}
TRAP_NAMES = {
    "tech_support": ("Microsoft", "Apple", "Windows"),
    "customer_care": ("Amazon",),
    "government_impersonation": ("Social Security Administration", "IRS", "FBI"),
    "digital_arrest": ("CBI", "Mumbai Police", "Customs", "NCB"),
    "kyc_update": ("SBI", "HDFC Bank", "Paytm"),
    "investment": ("Binance", "NSE", "Zerodha"),
    "sim_swap": ("Airtel", "Jio", "Vi"),
    "aeps": ("Aadhaar", "bank"),
    "bec": ("our supplier", "a vendor"),
    "betting_gaming": ("cricket betting", "colour prediction", "Aviator"),
    "upi_collect": ("OLX", "Facebook Marketplace"),
    "demat_stock_tips": ("SEBI-registered", "NSE", "BSE"),
}
MENTIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "phone": {
        "en": ("They called me from {v}.", "The number was {v}.", "Call back number {v}"),
        "hi": ("उन्होंने {v} से कॉल किया।", "नंबर {v} था।"),
    },
    "url": {
        "en": ("They told me to open {v}.", "The website was {v}"),
        "hi": ("उन्होंने {v} खोलने को कहा।",),
    },
    "email": {"en": ("Emails came from {v}.",), "hi": ("ईमेल {v} से आया।",)},
    "trap_phone": {
        "en": ("They said to verify by calling {v}.",),
        "hi": ("कहा कि {v} पर कॉल करके जाँच कर लें।",),
    },
}
PAYMENTS = {
    "gift_card": {
        "en": "I bought gift cards worth {amount} and read them the codes.",
        "hi": "मैंने {amount} के गिफ़्ट कार्ड खरीदकर कोड बताए।",
    },
    "wire": {"en": "I wired {amount}.", "hi": "मैंने {amount} वायर किए।"},
    "crypto": {"en": "I deposited {amount} at a Bitcoin ATM.", "hi": "मैंने {amount} क्रिप्टो में भेजे।"},
    "upi": {"en": "I lost {amount} through UPI.", "hi": "UPI से {amount} कट गए।"},
    "bank_transfer": {"en": "I transferred {amount}.", "hi": "मैंने {amount} ट्रांसफ़र किए।"},
    "cash": {"en": "I handed {amount} in cash to a courier.", "hi": "मैंने {amount} नकद दिए।"},
    "card": {"en": "{amount} was charged to my card.", "hi": "कार्ड से {amount} कटे।"},
    "payment_app": {"en": "I sent {amount} with a payment app.", "hi": "पेमेंट ऐप से {amount} भेजे।"},
}


def opening(rng: random.Random, scam_type: str, lang: str, alias: str) -> str:
    texts = OPENINGS.get(scam_type, GENERIC_OPENING).get(lang) or GENERIC_OPENING[lang]
    trap = rng.choice(TRAP_NAMES.get(scam_type, ("the bank",)))
    return rng.choice(texts).format(trap=trap, alias=alias)


def mention(rng: random.Random, kind: str, lang: str, written: str) -> str:
    return rng.choice(MENTIONS[kind][lang]).format(v=written)


def payment(method: str, lang: str, amount: str) -> str:
    return PAYMENTS[method][lang].format(amount=amount)
