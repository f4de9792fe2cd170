"""Short multilingual news texts written for veille's embedding tests (our own wording).

Two developments, each told in several languages: a drone factory for Russia in
Alabuga, and a gas pipeline deal; plus unrelated items. Used by tests/test_embed_*.py.
"""

from __future__ import annotations

DRONES_EN = (
    "Russia builds Iranian attack drones in Tatarstan",
    "The White House says Iran is sending Russia the materials for a factory that will assemble "
    "attack drones in the Alabuga special economic zone. The plant could start production early "
    "next year, a spokesman said.",
)
DRONES_RU = (
    "США: Иран поможет России построить завод ударных дронов в Алабуге",
    "Вашингтон заявил, что Иран передаёт России материалы и оборудование для строительства завода "
    "по производству ударных беспилотников. По словам представителя Белого дома Джона Кирби, "
    "предприятие разместят в особой экономической зоне «Алабуга» в Татарстане, и оно может "
    "заработать в начале следующего года. Американская разведка утверждает, что Тегеран уже "
    "поставил Москве сотни дронов-камикадзе, которые российская армия применяет против украинских "
    "городов.",
)
DRONES_UK = (
    "Росія будуватиме іранські ударні дрони в Татарстані",
    "За даними Білого дому, Іран постачає Росії матеріали для заводу, який збиратиме ударні "
    "безпілотники в особливій економічній зоні «Алабуга». Підприємство може запрацювати на початку "
    "наступного року.",
)
GAS_DE = (
    "Russland und Iran unterzeichnen Gasabkommen",
    "Gazprom und die iranische Gasgesellschaft haben in Teheran eine Absichtserklärung über "
    "russische Gaslieferungen an Iran unterzeichnet. Die Pipeline soll durch Aserbaidschan führen.",
)
GAS_PL = (
    "Rosja i Iran podpisały porozumienie gazowe",
    "Gazprom i irańska państwowa spółka gazowa podpisały w Teheranie memorandum w sprawie dostaw "
    "rosyjskiego gazu do Iranu. Gazociąg ma przebiegać przez Azerbejdżan.",
)
FOOTBALL_FR = (
    "Le club de Lens remporte le derby du Nord",
    "Les Sang et Or ont battu Lille deux buts à zéro samedi soir devant un stade Bollaert plein. "
    "L'entraîneur a salué la solidité de sa défense.",
)
BAKING_EN = (
    "A sourdough loaf needs time more than skill",
    "Bakers say the secret of a good sourdough is a long, cool rise: mix the dough in the evening, "
    "let it rest overnight in the fridge and bake it in a very hot oven the next morning.",
)

# (key, language, (title, text), published)
CORPUS = [
    ("drones_en", "en", DRONES_EN, "2023-06-09"),
    ("drones_ru", "ru", DRONES_RU, "2023-06-10"),
    ("drones_uk", "uk", DRONES_UK, "2023-06-10"),
    ("gas_de", "de", GAS_DE, "2024-06-20"),
    ("gas_pl", "pl", GAS_PL, "2024-06-21"),
    ("football_fr", "fr", FOOTBALL_FR, "2024-09-14"),
    ("baking_en", "en", BAKING_EN, "2024-09-15"),
]

# Russian reports of two developments the sample corpus covers in other languages.
SAMPLE_DRONES_RU = (
    "Белый дом: в Алабуге построят завод иранских беспилотников",
    "Вашингтон, 9 июня. Россия получает от Ирана материалы для строительства завода ударных "
    "беспилотников на своей территории, заявил представитель Совета национальной безопасности США "
    "Джон Кирби. По его словам, предприятие в особой экономической зоне «Алабуга» в Татарстане "
    "может начать работу в начале следующего года. Иранские дроны, по данным американской разведки, "
    "доставляют через Каспийское море и используют для ударов по украинским городам и "
    "энергосистеме.",
)
SAMPLE_SHELLS_RU = (
    "Сеул: КНДР отправила России более миллиона артиллерийских снарядов",
    "Национальная разведывательная служба Южной Кореи сообщила депутатам, что с августа Северная "
    "Корея переправила в Россию больше миллиона артиллерийских снарядов. Боеприпасы грузили в порту "
    "Раджин и по морю доставляли в Восточный, а оттуда по железной дороге везли к фронту. В Кремле "
    "отрицают какие-либо оружейные сделки с Пхеньяном.",
)
