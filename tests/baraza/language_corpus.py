"""Posts as members of a human-rights network write them, in the five instance languages.

Written for these tests (not copied): short and long, with mentions, links, hashtags, emoji
and the HTML a client or Mastodon produces. `SHORT` holds three-word posts, which must get
the fallback, never a guess.
"""

from __future__ import annotations

CORPUS: dict[str, list[str]] = {
    "en": [
        "<p>The hearing for the detained journalists has been postponed again until next month. "
        "We will keep following the case closely.</p>",
        "Thanks @amina@baraza.example for the great workshop on digital security yesterday, "
        "the slides are here: https://files.example.org/workshop-slides.pdf",
        "We are looking for volunteers who can translate witness statements from French into "
        "English before the end of the week. #volunteers #translation",
        "New report out today on forced evictions in informal settlements around the capital. "
        "Please share widely! https://ngo.example.org/reports/evictions-2024",
        "<p>Reminder: the monthly call of the legal aid network starts at 3pm UTC. Link in the "
        '<a href="https://baraza.example/spaces/legal-aid">space</a> as usual.</p>',
        "Does anyone have contacts with lawyers who work on asylum appeals in Malta? "
        "We have a family that urgently needs advice.",
        "I spent the whole day at the court and the judge still refused to hear our witnesses. "
        "Frustrating, but we are not giving up. ✊",
        "The draft policy on data retention is open for comments until Friday, we need as many "
        "organisations as possible to respond #privacy #dataprotection",
        "Our annual conference will take place in Nairobi this year, registration opens on "
        "Monday and travel grants are available for grassroots groups.",
        "@karim@social.example.net could you send me the final version of the petition "
        "before we publish it tomorrow morning?",
        "Huge thanks to everyone who joined the vigil last night in front of the ministry, "
        "more than five hundred people showed up despite the rain 🕯️",
        "Short thread on what the new surveillance law means for human rights defenders and "
        "what you can do to protect your sources 🧵 1/5",
        "We have just published a guide explaining how to document police violence safely "
        "with your phone. https://guides.example.org/document-safely",
        "Job opening: we are hiring a communications officer who speaks English and Arabic, "
        "deadline for applications is the end of the month.",
        "The UN special rapporteur will visit the region next week and wants to meet local "
        "organisations working on land rights.",
        "Please do not forward the internal memo outside the working group, it contains names "
        "of people who could be put at risk.",
        "Today we remember the activists who were killed for defending their communities and "
        "the environment. Their work continues through us. #DefendTheDefenders",
        "Good news at last: the court ordered the release of the three students who were "
        "arrested during the peaceful protest in March!",
        "<p>Weekly digest: two new members joined the space, the library now has forty "
        "documents, and the next training is on Thursday.</p>",
        "If you need help setting up encrypted email for your organisation, send me a direct "
        "message and I will walk you through it.",
        "We are still waiting for the ministry to answer our freedom of information request "
        "about the prison conditions, it has been three months.",
        "Could someone review the English summary of the report before it goes to the donors? "
        "It is only two pages long. @editors",
    ],
    "fr": [
        "<p>L'audience des journalistes détenus a encore été reportée au mois prochain. "
        "Nous continuons à suivre l'affaire de près.</p>",
        "Merci @amina@baraza.example pour l'atelier sur la sécurité numérique d'hier, "
        "les diapositives sont ici : https://files.example.org/atelier.pdf",
        "Nous cherchons des bénévoles pour traduire des témoignages de l'arabe vers le "
        "français avant la fin de la semaine. #bénévolat #traduction",
        "Notre nouveau rapport sur les expulsions forcées dans les quartiers précaires de la "
        "capitale est en ligne ! https://ong.example.org/rapports/expulsions",
        "<p>Rappel : la réunion mensuelle du réseau d'aide juridique commence à 15 h. Le lien "
        'est dans l\'<a href="https://baraza.example/spaces/aide">espace</a> comme '
        "d'habitude.</p>",
        "Quelqu'un connaît-il des avocats spécialisés dans les recours en matière d'asile à "
        "Marseille ? Une famille a besoin de conseils rapidement.",
        "J'ai passé toute la journée au tribunal et le juge refuse toujours d'entendre nos "
        "témoins. C'est décourageant mais on ne lâche rien ✊",
        "Le projet de loi sur la conservation des données est ouvert aux commentaires jusqu'à "
        "vendredi, il faut que les associations se mobilisent #vieprivée",
        "Notre conférence annuelle aura lieu à Dakar cette année, les inscriptions ouvrent "
        "lundi et des bourses de voyage sont prévues pour les petites structures.",
        "@karim@social.example.net peux-tu m'envoyer la version finale de la pétition avant "
        "que nous la publiions demain matin ?",
        "Un grand merci à toutes celles et ceux qui sont venus à la veillée hier soir devant "
        "le ministère, nous étions plus de cinq cents malgré la pluie 🕯️",
        "Petit fil sur ce que la nouvelle loi de surveillance change pour les défenseurs des "
        "droits humains et comment protéger vos sources 🧵 1/5",
        "Nous venons de publier un guide pour documenter les violences policières en toute "
        "sécurité avec votre téléphone. https://guides.example.org/documenter",
        "Offre d'emploi : nous recrutons une chargée de communication qui parle français et "
        "arabe, les candidatures sont ouvertes jusqu'à la fin du mois.",
        "Le rapporteur spécial des Nations unies visitera la région la semaine prochaine et "
        "souhaite rencontrer les organisations qui travaillent sur le foncier.",
        "Merci de ne pas transférer la note interne en dehors du groupe de travail, elle "
        "contient les noms de personnes qui pourraient être en danger.",
        "Aujourd'hui nous pensons aux militantes et militants tués pour avoir défendu leurs "
        "communautés et l'environnement. Leur combat continue. #DéfendreLesDéfenseurs",
        "Enfin une bonne nouvelle : le tribunal a ordonné la libération des trois étudiants "
        "arrêtés pendant la manifestation pacifique du mois de mars !",
        "<p>Résumé de la semaine : deux nouveaux membres ont rejoint l'espace, la "
        "bibliothèque compte maintenant quarante documents et la prochaine formation a lieu "
        "jeudi.</p>",
        "Si vous avez besoin d'aide pour configurer une messagerie chiffrée pour votre "
        "association, envoyez-moi un message privé et je vous guiderai.",
        "Nous attendons toujours la réponse du ministère à notre demande d'accès aux "
        "documents sur les conditions de détention, cela fait trois mois.",
        "Quelqu'un pourrait-il relire le résumé en français du rapport avant l'envoi aux "
        "bailleurs ? Il ne fait que deux pages. @relecture",
    ],
    "ar": [
        "<p>تم تأجيل جلسة محاكمة الصحفيين المعتقلين مرة أخرى إلى الشهر القادم. "
        "سنواصل متابعة القضية عن كثب.</p>",
        "شكرا @amina@baraza.example على ورشة الأمن الرقمي الرائعة أمس، "
        "العرض التقديمي متاح هنا: https://files.example.org/workshop.pdf",
        "نبحث عن متطوعين لترجمة شهادات الشهود من الفرنسية إلى العربية قبل نهاية الأسبوع "
        "#تطوع #ترجمة",
        "صدر اليوم تقريرنا الجديد عن عمليات الإخلاء القسري في الأحياء العشوائية حول العاصمة، "
        "يرجى نشره على نطاق واسع https://ngo.example.org/reports/evictions",
        "<p>تذكير: يبدأ الاجتماع الشهري لشبكة المساعدة القانونية الساعة الثالثة. الرابط في "
        '<a href="https://baraza.example/spaces/legal">المساحة</a> كالعادة.</p>',
        "هل لدى أحدكم اتصال بمحامين يعملون على قضايا اللجوء في تونس؟ هناك عائلة بحاجة "
        "ماسة إلى المشورة.",
        "قضيت اليوم كله في المحكمة وما زال القاضي يرفض الاستماع إلى شهودنا. "
        "أمر محبط لكننا لن نستسلم ✊",
        "مشروع القانون المتعلق بالاحتفاظ بالبيانات مفتوح للتعليقات حتى يوم الجمعة، نحتاج إلى "
        "مشاركة أكبر عدد من المنظمات #الخصوصية",
        "سيعقد مؤتمرنا السنوي هذا العام في عمّان، ويبدأ التسجيل يوم الاثنين مع منح سفر "
        "للمجموعات الصغيرة.",
        "@karim@social.example.net هل يمكنك إرسال النسخة النهائية من العريضة قبل أن ننشرها "
        "صباح الغد؟",
        "شكرا جزيلا لكل من شارك في الوقفة أمام الوزارة مساء أمس، حضر أكثر من خمسمائة شخص "
        "رغم المطر 🕯️",
        "سلسلة قصيرة حول ما يعنيه قانون المراقبة الجديد للمدافعين عن حقوق الإنسان وكيف "
        "تحمون مصادركم 🧵",
        "نشرنا للتو دليلا يشرح كيفية توثيق عنف الشرطة بأمان باستخدام الهاتف "
        "https://guides.example.org/document",
        "فرصة عمل: نبحث عن مسؤول تواصل يتقن العربية والإنجليزية، آخر موعد لتقديم الطلبات "
        "نهاية الشهر.",
        "سيزور المقرر الخاص للأمم المتحدة المنطقة الأسبوع المقبل ويرغب في لقاء المنظمات "
        "المحلية العاملة على حقوق الأرض.",
        "يرجى عدم إرسال المذكرة الداخلية خارج مجموعة العمل، فهي تحتوي على أسماء أشخاص قد "
        "يتعرضون للخطر.",
        "نتذكر اليوم الناشطين الذين قتلوا دفاعا عن مجتمعاتهم وعن البيئة. عملهم مستمر من "
        "خلالنا #الدفاع_عن_المدافعين",
        "أخيرا خبر سار: أمرت المحكمة بالإفراج عن الطلاب الثلاثة الذين اعتقلوا خلال "
        "المظاهرة السلمية في شهر مارس!",
        "<p>ملخص الأسبوع: انضم عضوان جديدان إلى المساحة، وتضم المكتبة الآن أربعين وثيقة، "
        "والتدريب القادم يوم الخميس.</p>",
        "إذا كنتم بحاجة إلى مساعدة في إعداد بريد إلكتروني مشفر لمنظمتكم، أرسلوا لي رسالة "
        "خاصة وسأرشدكم خطوة بخطوة.",
        "ما زلنا ننتظر رد الوزارة على طلبنا للحصول على المعلومات حول ظروف السجون، مرت ثلاثة أشهر.",
        "هل يمكن لأحدكم مراجعة الملخص العربي للتقرير قبل إرساله إلى الجهات المانحة؟ "
        "صفحتان فقط @editors",
    ],
    "de": [
        "<p>Die Anhörung der inhaftierten Journalisten wurde erneut auf den nächsten Monat "
        "verschoben. Wir bleiben an dem Fall dran.</p>",
        "Danke @amina@baraza.example für den tollen Workshop zur digitalen Sicherheit gestern, "
        "die Folien gibt es hier: https://files.example.org/workshop.pdf",
        "Wir suchen Freiwillige, die bis Ende der Woche Zeugenaussagen aus dem Französischen "
        "ins Deutsche übersetzen können. #Ehrenamt #Übersetzung",
        "Heute erscheint unser neuer Bericht über Zwangsräumungen in den informellen "
        "Siedlungen rund um die Hauptstadt. Bitte teilen! https://ngo.example.org/bericht",
        "<p>Erinnerung: Das monatliche Treffen des Rechtshilfe-Netzwerks beginnt um 15 Uhr. "
        'Der Link steht wie immer im <a href="https://baraza.example/spaces/recht">Raum</a>.</p>',
        "Hat jemand Kontakt zu Anwältinnen, die sich mit Asylverfahren in Bayern auskennen? "
        "Eine Familie braucht dringend Beratung.",
        "Ich war den ganzen Tag im Gericht und der Richter weigert sich immer noch, unsere "
        "Zeugen anzuhören. Frustrierend, aber wir geben nicht auf ✊",
        "Der Gesetzentwurf zur Vorratsdatenspeicherung ist bis Freitag für Kommentare offen, "
        "möglichst viele Organisationen sollten Stellung nehmen #Datenschutz",
        "Unsere Jahreskonferenz findet dieses Jahr in Berlin statt, die Anmeldung beginnt am "
        "Montag und es gibt Reisekostenzuschüsse für kleine Gruppen.",
        "@karim@social.example.net kannst du mir die endgültige Fassung der Petition schicken, "
        "bevor wir sie morgen früh veröffentlichen?",
        "Vielen Dank an alle, die gestern Abend bei der Mahnwache vor dem Ministerium waren, "
        "trotz Regen kamen über fünfhundert Menschen 🕯️",
        "Kurzer Thread dazu, was das neue Überwachungsgesetz für Menschenrechtsverteidiger "
        "bedeutet und wie ihr eure Quellen schützt 🧵 1/5",
        "Wir haben gerade einen Leitfaden veröffentlicht, wie man Polizeigewalt sicher mit dem "
        "Handy dokumentiert. https://guides.example.org/dokumentieren",
        "Stellenangebot: Wir suchen eine Referentin für Öffentlichkeitsarbeit mit Deutsch- und "
        "Arabischkenntnissen, Bewerbungsschluss ist Ende des Monats.",
        "Der UN-Sonderberichterstatter besucht nächste Woche die Region und möchte lokale "
        "Organisationen treffen, die zu Landrechten arbeiten.",
        "Bitte leitet das interne Memo nicht außerhalb der Arbeitsgruppe weiter, es enthält "
        "Namen von Menschen, die dadurch gefährdet werden könnten.",
        "Heute gedenken wir der Aktivistinnen und Aktivisten, die getötet wurden, weil sie ihre "
        "Gemeinschaften und die Umwelt verteidigt haben. #SchütztDieVerteidiger",
        "Endlich eine gute Nachricht: Das Gericht hat die Freilassung der drei Studierenden "
        "angeordnet, die bei der friedlichen Demonstration im März festgenommen wurden!",
        "<p>Wochenrückblick: Zwei neue Mitglieder sind dem Raum beigetreten, die Bibliothek "
        "hat jetzt vierzig Dokumente und die nächste Schulung ist am Donnerstag.</p>",
        "Wenn ihr Hilfe beim Einrichten verschlüsselter E-Mails für eure Organisation braucht, "
        "schreibt mir eine Direktnachricht und ich erkläre es Schritt für Schritt.",
        "Wir warten immer noch auf die Antwort des Ministeriums auf unsere Anfrage nach dem "
        "Informationsfreiheitsgesetz zu den Haftbedingungen, seit drei Monaten.",
        "Könnte jemand die deutsche Zusammenfassung des Berichts lesen, bevor sie an die "
        "Geldgeber geht? Sie ist nur zwei Seiten lang. @lektorat",
    ],
    "pt": [
        "<p>A audiência dos jornalistas detidos foi adiada novamente para o próximo mês. "
        "Vamos continuar acompanhando o caso de perto.</p>",
        "Obrigada @amina@baraza.example pela ótima oficina sobre segurança digital ontem, "
        "os slides estão aqui: https://files.example.org/oficina.pdf",
        "Procuramos voluntários para traduzir depoimentos de testemunhas do francês para o "
        "português até o fim da semana. #voluntariado #tradução",
        "Saiu hoje o nosso novo relatório sobre despejos forçados nas comunidades ao redor da "
        "capital. Compartilhem! https://ong.example.org/relatorios/despejos",
        "<p>Lembrete: a reunião mensal da rede de assistência jurídica começa às 15h. O link "
        'está no <a href="https://baraza.example/spaces/juridico">espaço</a> como sempre.</p>',
        "Alguém tem contato com advogados que trabalham com pedidos de refúgio em São Paulo? "
        "Uma família precisa de orientação com urgência.",
        "Passei o dia inteiro no tribunal e o juiz ainda se recusa a ouvir as nossas "
        "testemunhas. Frustrante, mas não vamos desistir ✊",
        "O projeto de lei sobre retenção de dados está aberto para comentários até sexta-feira, "
        "precisamos que o maior número de organizações participe #privacidade",
        "A nossa conferência anual vai acontecer em Maputo este ano, as inscrições abrem na "
        "segunda-feira e há bolsas de viagem para grupos pequenos.",
        "@karim@social.example.net você pode me mandar a versão final do abaixo-assinado antes "
        "de publicarmos amanhã de manhã?",
        "Muito obrigado a todas as pessoas que participaram da vigília ontem à noite em frente "
        "ao ministério, éramos mais de quinhentas apesar da chuva 🕯️",
        "Um fio curto sobre o que a nova lei de vigilância significa para defensores de "
        "direitos humanos e como proteger as suas fontes 🧵 1/5",
        "Acabamos de publicar um guia que explica como documentar a violência policial com "
        "segurança usando o celular. https://guias.example.org/documentar",
        "Vaga de emprego: estamos contratando uma pessoa para a comunicação que fale português "
        "e inglês, as candidaturas ficam abertas até o fim do mês.",
        "O relator especial das Nações Unidas vai visitar a região na próxima semana e quer "
        "se reunir com organizações locais que trabalham com o direito à terra.",
        "Por favor não encaminhem o memorando interno para fora do grupo de trabalho, ele "
        "contém nomes de pessoas que podem ser colocadas em risco.",
        "Hoje lembramos as ativistas e os ativistas assassinados por defenderem as suas "
        "comunidades e o meio ambiente. A luta continua. #DefenderOsDefensores",
        "Finalmente uma boa notícia: o tribunal mandou soltar os três estudantes que foram "
        "presos durante a manifestação pacífica de março!",
        "<p>Resumo da semana: dois novos membros entraram no espaço, a biblioteca agora tem "
        "quarenta documentos e a próxima formação é na quinta-feira.</p>",
        "Se vocês precisarem de ajuda para configurar um e-mail criptografado para a sua "
        "organização, me mandem uma mensagem direta que eu explico passo a passo.",
        "Ainda estamos esperando a resposta do ministério ao nosso pedido de acesso à "
        "informação sobre as condições das prisões, já se passaram três meses.",
        "Alguém poderia revisar o resumo em português do relatório antes de enviarmos aos "
        "financiadores? São só duas páginas. @revisao",
    ],
}

# Three words or fewer of real text: too little to know ("Merci" alone is clear to a human,
# not to n-gram statistics). Keyed by the language a human would read, for the benchmark.
SHORT: dict[str, list[str]] = {
    "en": ["Thanks a lot!", "See you tomorrow", "Free them all", "Solidarity with Amina"],
    "fr": ["Merci beaucoup Amina", "Bon courage 💪", "Solidarité avec Amina", "@amina ok merci"],
    "ar": ["شكرا جزيلا لكم", "نراكم غدا", "الحرية للمعتقلين", "تضامن مع أمينة"],
    "de": ["Danke, sehr gut", "Bis morgen!", "Solidarität mit Amina", "Freiheit für alle"],
    "pt": ["Muito obrigada, Karim", "Até amanhã 🙂", "Solidariedade com Amina", "Liberdade já!"],
}

EMOJI_ONLY: list[str] = [
    "🎉🎉🎉",
    "✊🏾",
    "❤️ 🕯️ 🙏",
    "<p>👍</p>",
    "😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂😂",
]

# Four to eight words: detection may answer or fall back, but must not answer wrongly.
MEDIUM: dict[str, list[str]] = {
    "en": [
        "Court hearing postponed again, see you all next week",
        "Who is coming to the training on Thursday?",
        "Great report, thank you for sharing it @amina",
    ],
    "fr": [
        "L'audience est encore reportée, rendez-vous la semaine prochaine",
        "Qui vient à la formation de jeudi ?",
        "Super rapport, merci pour le partage @amina",
    ],
    "ar": [
        "تأجيل الجلسة مرة أخرى، نلتقي الأسبوع القادم",
        "من سيحضر التدريب يوم الخميس؟",
        "تقرير رائع، شكرا على المشاركة @amina",
    ],
    "de": [
        "Anhörung schon wieder verschoben, wir sehen uns nächste Woche",
        "Wer kommt am Donnerstag zur Schulung?",
        "Toller Bericht, danke fürs Teilen @amina",
    ],
    "pt": [
        "Audiência adiada de novo, nos vemos na próxima semana",
        "Quem vem para a formação na quinta-feira?",
        "Ótimo relatório, obrigada por compartilhar @amina",
    ],
}
