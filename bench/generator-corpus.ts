/**
 * Word material for the synthetic backup generator (bench/generator.ts).
 *
 * Kept apart from the generator so the generator reads as logic, not as a wall of strings.
 * Everything here is raw text (unescaped): the generator escapes it for XML, so these strings
 * deliberately contain the characters that trip up readers: & < > " ' newlines, accents, scripts
 * without spaces, right-to-left text and characters outside the BMP (emoji).
 *
 * Sentence templates may hold slots in braces ({time}, {price}, ...) that the generator fills with
 * varied values; see `SLOT_NAMES`.
 */

/** Slots a sentence template may use. */
export const SLOT_NAMES = ['time', 'day', 'num', 'price', 'phone', 'url', 'code', 'date', 'name'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];

export type LanguageId = 'en' | 'es' | 'fr' | 'de' | 'pt' | 'ru' | 'zh' | 'ja' | 'ar' | 'ko';

export interface Language {
  /** Separator between sentences: scripts like Chinese and Japanese use none. */
  readonly sep: string;
  /** One-to-five word replies ("ok", "lol"): the bulk of real conversations. */
  readonly short: readonly string[];
  /** Sentences with optional {slot}s. */
  readonly sentences: readonly string[];
  readonly days: readonly string[];
}

export const LANGUAGES: Readonly<Record<LanguageId, Language>> = {
  en: {
    sep: ' ',
    short: [
      'ok', 'Ok', 'k', 'kk', 'lol', 'LOL', 'haha', 'hahaha', 'yes', 'Yes!', 'No', 'nope', 'yep', 'Yeah',
      'Thanks!', 'thx', 'ty', 'np', 'On my way', 'omw', 'Sure', 'Sounds good', 'Call me', 'Love you',
      'See you soon', 'Where are you?', 'Running late', '<3', 'brb', 'ttyl', 'Good night', 'Night!',
      'Happy birthday!!!', 'Miss you', 'What?', 'Got it', 'Cool', 'Nice!', 'Same', 'Why?', 'idk',
      "I'm here", "Can't talk now", "Don't forget!", 'Congrats!!', 'Ugh', 'Wow', 'Done', '??', 'Here',
    ],
    sentences: [
      "Hey, are we still on for {day}?",
      "I'll be there around {time}.",
      'Can you pick up milk & eggs on the way home?',
      'Running about {num} minutes late, sorry!',
      'Did you see the game last night?',
      'Dinner is at {time}, don\'t be late.',
      'The total came to {price}, you owe me half.',
      'Call me when you get this.',
      'My new number is {phone}, save it!',
      'Check this out {url}',
      'Just landed, heading to baggage claim now.',
      "Mom says \"bring a jacket\" because it's cold.",
      "He literally said \"no way\" and walked out.",
      'Happy birthday {name}! Hope you have an amazing day.',
      'Can we move the meeting to {date} at {time}?',
      "I'm outside, the door is locked.",
      'Thanks so much for dinner, it was delicious.',
      'Traffic on I-5 is terrible, taking the long way.',
      'Do you want Thai or pizza tonight?',
      "Let me know if you need anything from the store.",
      'Your appointment is confirmed for {date}.',
      "Don't forget the kids have early pickup on {day}.",
      'Tickets are {price} each, should I get {num}?',
      'x < y only when the score is > 10, I checked.',
      'Rent is due in {num} days, I sent my part.',
      'Are you coming to the party at {name}\'s place?',
      'Good luck today, you got this!',
      'Just finished work, finally.',
      'Can you send me the address again?',
      "The doctor's office called, call them back at {phone}.",
      'I left the keys under the mat.',
      'Flight is delayed until {time}, ugh.',
      'Netflix & chill tonight?',
      'Weather says {num} degrees tomorrow, so beach?',
      'Sorry I missed your call, in a meeting until {time}.',
      'Send me a pic when you get there.',
      'Wifi password is Blue&Gold_{num}',
      'Who is picking up grandma on {day}?',
      'I paid the electric bill, it was {price} this month.',
      'Are we doing gifts this year or not?',
      'Meet me at the corner of 5th & Main.',
      'Just saw {name} at the grocery store, so random.',
      'Heading to bed, talk tomorrow.',
      'Can you believe it\'s already {date}?',
      'Order #{code} has shipped.',
      'The plumber is coming between {time} and 5.',
    ],
    days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  },
  es: {
    sep: ' ',
    short: ['Vale', 'Sí', 'No sé', 'Gracias!', 'Jajaja', 'Voy', 'Te quiero', '¿Dónde estás?', 'Ya llegué', 'Buenas noches'],
    sentences: [
      '¿Nos vemos el {day} a las {time}?',
      'Llego en {num} minutos, ¡espérame!',
      'La cena costó {price}, te mando mi parte.',
      'Mañana no puedo, tengo reunión a las {time}.',
      '¿Compraste el pan? Se me olvidó por completo.',
      'Mi mamá dice que vengas el domingo a comer.',
      'Feliz cumpleaños {name}, ¡que lo pases genial!',
      'Estoy en el café de la esquina, ¿vienes?',
      'El niño tiene fiebre, no va al colegio hoy.',
      'Qué pena, no pude ir a la reunión.',
    ],
    days: ['lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado', 'domingo'],
  },
  fr: {
    sep: ' ',
    short: ["D'accord", 'Oui', 'Merci !', 'Bisous', 'À plus', "J'arrive", 'Ça marche', 'Bonne nuit'],
    sentences: [
      'On se retrouve {day} à {time} ?',
      "Je suis en retard de {num} minutes, désolé !",
      "L'addition fait {price}, je te fais un virement.",
      'Tu peux passer à la boulangerie en rentrant ?',
      "C'était génial hier soir, merci pour l'invitation.",
      'Joyeux anniversaire {name} ! Passe une très bonne journée.',
      "N'oublie pas le rendez-vous chez le médecin le {date}.",
      'Il fait {num} degrés, on va à la plage ?',
      "J'ai raté le train, je prends le suivant à {time}.",
    ],
    days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
  },
  de: {
    sep: ' ',
    short: ['Ok', 'Ja', 'Nein', 'Danke!', 'Bin unterwegs', 'Gute Nacht', 'Alles klar', 'Bis später'],
    sentences: [
      'Treffen wir uns am {day} um {time}?',
      'Ich komme {num} Minuten später, sorry!',
      'Das Essen hat {price} gekostet, ich überweise dir die Hälfte.',
      'Kannst du bitte Brötchen vom Bäcker mitbringen?',
      'Alles Gute zum Geburtstag, {name}! Lass dich feiern.',
      'Der Zug fällt aus, ich nehme den nächsten um {time}.',
      'Schöne Grüße aus München, das Wetter ist herrlich.',
      'Vergiss nicht den Termin beim Zahnarzt am {date}.',
      'Größe 42 war ausverkauft, ich habe 43 genommen.',
    ],
    days: ['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag', 'Samstag', 'Sonntag'],
  },
  pt: {
    sep: ' ',
    short: ['Ok', 'Sim', 'Não', 'Obrigado!', 'Kkkkk', 'Tô chegando', 'Beijos', 'Boa noite'],
    sentences: [
      'Vamos nos encontrar {day} às {time}?',
      'Vou atrasar uns {num} minutos, desculpa!',
      'A conta deu {price}, te passo o pix depois.',
      'Você pode comprar pão no caminho de casa?',
      'Parabéns {name}! Muitas felicidades e saúde.',
      'Não esquece da consulta no dia {date}.',
      'Estou no ônibus, chego em meia hora.',
    ],
    days: ['segunda', 'terça', 'quarta', 'quinta', 'sexta', 'sábado', 'domingo'],
  },
  ru: {
    sep: ' ',
    short: ['Ок', 'Да', 'Нет', 'Спасибо!', 'Хорошо', 'Еду', 'Люблю', 'Спокойной ночи', 'Перезвони'],
    sentences: [
      'Встречаемся в {day} в {time}?',
      'Опаздываю минут на {num}, извини!',
      'Ужин обошёлся в {price}, скину тебе половину.',
      'Купи, пожалуйста, хлеб и молоко по дороге домой.',
      'С днём рождения, {name}! Счастья и здоровья!',
      'Не забудь про приём у врача {date}.',
      'Я уже на месте, жду тебя у входа.',
      'Позвони мне, когда освободишься.',
      'Поезд задерживается, буду в {time}.',
    ],
    days: ['понедельник', 'вторник', 'среду', 'четверг', 'пятницу', 'субботу', 'воскресенье'],
  },
  zh: {
    sep: '',
    short: ['好的', '嗯嗯', '谢谢！', '哈哈哈', '收到', '在路上了', '晚安', '没问题'],
    sentences: [
      '我们{day}{time}见面吧？',
      '我会晚到{num}分钟，不好意思！',
      '晚饭一共{price}，我转给你一半。',
      '回家的路上能帮我买点水果吗？',
      '生日快乐{name}！祝你天天开心。',
      '别忘了{date}去医院复查。',
      '我已经到了，在门口等你。',
      '今天加班，可能很晚才回家。',
      '明天天气不错，要不要去爬山？',
    ],
    days: ['周一', '周二', '周三', '周四', '周五', '周六', '周日', '明天'],
  },
  ja: {
    sep: '',
    short: ['了解です', 'ありがとう！', 'はい', 'いいよ', 'おやすみ', '今向かってます', 'ごめんね'],
    sentences: [
      '{day}の{time}に会えますか？',
      '{num}分くらい遅れます、すみません！',
      'お会計は{price}でした。半分送ります。',
      '帰りに牛乳を買ってきてくれる？',
      'お誕生日おめでとう、{name}さん！',
      '{date}の歯医者の予約を忘れないでね。',
      '駅に着いたら連絡してください。',
      '今日は残業なので遅くなります。',
    ],
    days: ['月曜日', '火曜日', '水曜日', '木曜日', '金曜日', '土曜日', '日曜日', '明日'],
  },
  ar: {
    sep: ' ',
    short: ['تمام', 'نعم', 'لا', 'شكراً!', 'في الطريق', 'تصبح على خير', 'إن شاء الله'],
    sentences: [
      'هل نلتقي يوم {day} الساعة {time}؟',
      'سأتأخر {num} دقائق، آسف!',
      'كان العشاء بـ {price}، سأرسل لك نصيبي.',
      'ممكن تشتري خبز وحليب في طريقك للبيت؟',
      'عيد ميلاد سعيد يا {name}! كل عام وأنت بخير.',
      'لا تنسى موعد الطبيب يوم {date}.',
      'أنا عند الباب، انزل من فضلك.',
    ],
    days: ['الاثنين', 'الثلاثاء', 'الأربعاء', 'الخميس', 'الجمعة', 'السبت', 'الأحد'],
  },
  ko: {
    sep: ' ',
    short: ['네', '알겠어요', '고마워!', 'ㅋㅋㅋ', '가는 중', '잘 자', '좋아요'],
    sentences: [
      '{day} {time}에 만날까요?',
      '{num}분 정도 늦을 것 같아요, 미안해요!',
      '저녁값은 {price}였어요, 반 보낼게요.',
      '오는 길에 우유 좀 사다 줄래?',
      '생일 축하해 {name}! 좋은 하루 보내.',
      '{date} 병원 예약 잊지 마세요.',
    ],
    days: ['월요일', '화요일', '수요일', '목요일', '금요일', '토요일', '일요일', '내일'],
  },
};

/** Emoji, as JavaScript strings (astral ones are surrogate pairs, ZWJ sequences several code points). */
export const EMOJI: readonly string[] = [
  '😀', '😂', '🤣', '😊', '😍', '🥰', '😘', '😭', '😅', '🙏', '👍', '👏', '🎉', '🎂', '🔥', '💯',
  '🙄', '😴', '🤔', '😎', '💕', '🍕', '🍺', '🚗', '✈️', '❤️', '☺️', '✨', '☀️', '⚽',
  '👨‍👩‍👧', '🇺🇸', '🇫🇷', '👋🏽', '🤷‍♀️', '🐶',
];

/** Names by script. Includes apostrophes, accents and a nickname in double quotes on purpose. */
export const FIRST_NAMES: Readonly<Record<LanguageId, readonly string[]>> = {
  en: ['James', 'Mary', 'Robert "Bobby"', 'Jennifer', 'Michael', 'Linda', 'David', 'Sarah', 'Chris', 'Emily', 'Siobhán', 'Zoë'],
  es: ['José', 'María', 'Álvaro', 'Lucía', 'Begoña', 'Iñigo', 'Ramón'],
  fr: ['François', 'Hélène', 'Chloé', 'Jérôme', 'Gaëlle', 'Noël'],
  de: ['Jürgen', 'Björn', 'Käthe', 'Günther', 'Lena'],
  pt: ['João', 'Conceição', 'Gonçalo', 'Inês'],
  ru: ['Анна', 'Дмитрий', 'Ольга', 'Сергей', 'Наталья'],
  zh: ['伟', '芳', '静', '磊', '秀英'],
  ja: ['花子', '健太', '陽菜', '翔'],
  ar: ['محمد', 'فاطمة', 'أحمد', 'ليلى'],
  ko: ['민준', '서연', '지호'],
};

export const LAST_NAMES: Readonly<Record<LanguageId, readonly string[]>> = {
  en: ['Smith', "O'Brien", 'Johnson', 'Williams', 'Brown', 'Garcia-Lopez', 'Miller', 'Davis', 'Nguyen', 'Kowalski'],
  es: ['García', 'Núñez', 'Álvarez', 'Muñoz', 'Peña'],
  fr: ['Lefèvre', 'Dubois', 'Moreau', "D'Arcy", 'Girard'],
  de: ['Müller', 'Schröder', 'Weiß', 'Köhler'],
  pt: ['Gonçalves', 'Araújo', 'Simões', 'Conceição'],
  ru: ['Смирнова', 'Иванов', 'Кузнецова', 'Попов'],
  zh: ['王', '李', '张', '刘', '陈'],
  ja: ['佐藤', '鈴木', '高橋', '田中'],
  ar: ['العلي', 'حسن', 'الخطيب', 'منصور'],
  ko: ['김', '이', '박'],
};

/** Names that are not "First Last": how people really save family, work and services. */
export const SPECIAL_NAMES: readonly string[] = [
  'Mom', 'Dad', 'Mom & Dad', 'Grandma ❤️', 'Work - Front desk', 'Dr. Patel <dentist>', 'Landlord', 'Babysitter (Amy)',
  'Pizza Place', 'Coach Mike', 'Team "Blue" captain', 'Sarah 💕',
];

/** Short codes and alphanumeric senders, with what they typically send. */
export const SERVICE_SENDERS: readonly (readonly [address: string, templates: readonly string[]])[] = [
  ['22000', ['Your Google verification code is G-{code}. Don\'t share it with anyone.']],
  ['Google', ['G-{code} is your Google verification code.']],
  ['AMAZON', ['Amazon: Your package with order #{code} was delivered. Track: {url}', 'Amazon: Your refund of {price} has been issued.']],
  ['72975', ['Chase: A charge of {price} at STARBUCKS & CO was made on {date}. Not you? Call {phone}.']],
  ['262966', ['Your Uber code is {code}. Never share this code. Reply STOP to unsubscribe.']],
  ['VERIFY', ['Your verification code is {code}. It expires in 10 minutes.']],
  ['WhatsApp', ['Your WhatsApp code: {code}-{num}\n\nDon\'t share this code with others']],
  ['32665', ['Facebook: {code} is your confirmation code. #fb']],
  ['DHL', ['DHL: Ihre Sendung {code} wird am {date} zwischen {time} und 18:00 zugestellt. Details: {url}']],
  ['87902', ['PayPal: Your security code is: {code}. Your code expires in 10 minutes. Please don\'t reply.']],
  ['Vodafone', ['Vodafone: Sie haben 80% Ihres Datenvolumens verbraucht. Mehr unter {url}']],
  ['466453', ['Reminder: your appointment with Dr. Lee is on {date} at {time}. Reply C to confirm, R to reschedule.']],
];

/** Hosts and paths for {url}: query strings bring '&' into bodies. */
export const URLS: readonly string[] = [
  'https://maps.app.goo.gl/x7Ka9',
  'https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s',
  'https://amzn.to/3xYzQ?ref=sms&tag=a1',
  'https://bit.ly/3kLmN0p',
  'https://www.instagram.com/p/Cx9_aB/?utm_source=ig&igshid=abc',
  'http://example.com/track?id=77&lang=en',
];
