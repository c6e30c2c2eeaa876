#!/usr/bin/env python3
"""Writes realistic.jsonl and realistic.labels.jsonl: independent write-ups of
real news events in the words of different outlets (paraphrased for this
set), with hard negatives: same-theme events a day apart (two central banks
raising rates, two hurricanes, two earthquakes in one country). The labels
give each article's event; tidings must put one event's articles in one
story and keep different events apart. Run it to regenerate the files."""
import json
import os

ARTICLES = [
    # --- Turkey-Syria earthquake, 6 February 2023
    ("quake-1", "wire-a", "e-quake-feb6", "2023-02-06T04:30:00Z",
     "Powerful earthquake kills hundreds in Turkey and Syria",
     "A magnitude 7.8 earthquake struck southern Turkey and northern Syria before dawn on Monday, toppling "
     "thousands of buildings and killing hundreds of people as they slept. The quake was centred near the city "
     "of Gaziantep, according to the US Geological Survey, and was followed hours later by a second strong "
     "tremor in Kahramanmaras province. Turkey's disaster agency AFAD said rescue teams had been sent to ten "
     "provinces. In Syria, the government and rebel-held areas around Aleppo and Idlib reported collapsed "
     "apartment blocks. President Recep Tayyip Erdogan called it the worst disaster since 1939."),
    ("quake-2", "daily-b", "e-quake-feb6", "2023-02-06T09:10:00Z",
     "Turkey quake: rescuers dig through rubble in freezing weather",
     "Rescue workers in Kahramanmaras and Gaziantep searched through the ruins of flattened apartment buildings "
     "on Monday after the 7.8-magnitude quake, with snow and freezing temperatures hampering the effort. AFAD, "
     "the Turkish emergency authority, put the death toll in Turkey at more than 1,500, while officials in "
     "Damascus and the White Helmets in the rebel-held northwest of Syria reported hundreds more dead. Erdogan "
     "declared seven days of national mourning. Aftershocks rattled Hatay, Adana and Malatya throughout the day, "
     "and international teams from Greece, Israel and the European Union offered help."),
    ("quake-3", "times-c", "e-quake-feb6", "2023-02-07T07:00:00Z",
     "Death toll from Turkey-Syria earthquake passes 5,000",
     "More than 5,000 people are now known to have died after the earthquake that hit southern Turkey and "
     "northwestern Syria, officials said on Tuesday. The World Health Organization warned that the toll could rise "
     "eightfold as rescuers reach collapsed buildings in Hatay, Kahramanmaras and Gaziantep. Turkey's vice "
     "president Fuat Oktay said 8,000 people had been pulled alive from the rubble. Aid to rebel-held Idlib was "
     "held up because the only crossing from Turkey, Bab al-Hawa, was damaged."),
    # hard negative: a smaller quake elsewhere in Turkey a day later
    ("quake-izmir", "daily-b", "e-quake-izmir", "2023-02-07T16:00:00Z",
     "Moderate earthquake shakes Izmir, no casualties reported",
     "A magnitude 4.9 earthquake struck off the Aegean coast near Izmir on Tuesday afternoon, the Kandilli "
     "Observatory said, sending residents of Bayrakli and Karsiyaka into the streets. Governor Yavuz Selim Kosger "
     "said no buildings had collapsed and no one was hurt. Ferries between Izmir and the Greek island of Samos ran "
     "as normal. Many residents still remember the 2020 Samos quake that killed 117 people in the city."),
    # --- ECB raises rates, 27 July 2023
    ("ecb-1", "wire-a", "e-ecb-jul27", "2023-07-27T12:30:00Z",
     "ECB raises interest rates to 23-year high",
     "The European Central Bank raised its deposit rate by a quarter point to 3.75 percent on Thursday, its ninth "
     "consecutive increase, and left the door open to a pause in September. President Christine Lagarde told "
     "reporters in Frankfurt that the governing council was data dependent and that inflation in the euro zone, "
     "at 5.5 percent in June, was still too high. Economists said weak business surveys from Germany made a "
     "further hike less likely."),
    ("ecb-2", "journal-d", "e-ecb-jul27", "2023-07-27T15:00:00Z",
     "Lagarde keeps options open after ninth euro-zone rate hike",
     "Christine Lagarde declined to say whether the euro-zone's run of rate rises was over after the ECB lifted "
     "borrowing costs again, to 3.75 percent for the deposit facility. Speaking in Frankfurt, the ECB president "
     "said the bank might hike or hold in September depending on the data. Bond yields fell and the euro slipped "
     "against the dollar as traders bet the tightening cycle that began in July 2022 was nearly done."),
    # hard negative: the Fed the day before
    ("fed-1", "times-c", "e-fed-jul26", "2023-07-26T18:30:00Z",
     "Federal Reserve lifts rates to highest level in 22 years",
     "The Federal Reserve raised its benchmark interest rate by a quarter point on Wednesday to a range of 5.25 "
     "to 5.5 percent, the highest since 2001. Chair Jerome Powell said in Washington that the central bank would "
     "decide meeting by meeting whether more increases were needed to bring inflation back to its 2 percent "
     "target. US consumer prices rose 3 percent in the year to June. Stocks on Wall Street were little changed."),
    ("fed-2", "wire-a", "e-fed-jul26", "2023-07-26T20:00:00Z",
     "Powell: Fed not yet sure its hiking campaign is over",
     "Jerome Powell said Federal Reserve officials had not decided whether Wednesday's increase would be the last, "
     "after the Fed took its policy rate to a 5.25-5.5 percent range. The Fed chair noted that the labour market "
     "remained tight and that the FOMC would watch two more jobs reports and inflation readings before its "
     "September meeting. Treasury yields edged lower after his news conference."),
    # --- Hurricane Idalia, 30 August 2023
    ("idalia-1", "daily-b", "e-idalia", "2023-08-30T13:00:00Z",
     "Hurricane Idalia slams into Florida's Big Bend",
     "Hurricane Idalia made landfall near Keaton Beach in Florida's Big Bend region on Wednesday morning as a "
     "category 3 storm with winds of 125 mph, the National Hurricane Center said. Storm surge of up to 16 feet "
     "flooded coastal towns such as Cedar Key and Horseshoe Beach. Governor Ron DeSantis said more than 250,000 "
     "homes had lost power and warned residents not to return until officials said it was safe."),
    ("idalia-2", "journal-d", "e-idalia", "2023-08-30T22:00:00Z",
     "Idalia weakens over Georgia after battering Florida coast",
     "Idalia weakened to a tropical storm as it crossed into southern Georgia on Wednesday evening, hours after "
     "coming ashore in the Big Bend of Florida. In Cedar Key, water rose to the rooftops of some buildings, and "
     "Horseshoe Beach residents described houses swept off their foundations. DeSantis said no deaths had yet "
     "been confirmed from the storm surge. The storm was forecast to drench the Carolinas on Thursday."),
    # hard negative: another hurricane the same days, elsewhere
    ("franklin-1", "wire-a", "e-franklin", "2023-08-30T15:00:00Z",
     "Hurricane Franklin passes west of Bermuda",
     "Hurricane Franklin, a category 2 storm with maximum sustained winds of 105 mph, passed about 200 miles west "
     "of Bermuda on Wednesday, bringing tropical-storm-force gusts and heavy surf to the island. The Bermuda Weather "
     "Service lifted its tropical storm watch in the evening. Forecasters at the National Hurricane Center expect "
     "Franklin to weaken over the colder waters of the north Atlantic by the weekend."),
    # --- Starship first flight, 20 April 2023
    ("starship-1", "times-c", "e-starship", "2023-04-20T14:30:00Z",
     "SpaceX Starship explodes minutes after first launch",
     "SpaceX's Starship, the largest rocket ever built, blew up over the Gulf of Mexico about four minutes after "
     "lifting off from Boca Chica, Texas, on its first integrated test flight on Thursday. Several of the 33 "
     "Raptor engines on the Super Heavy booster failed and the vehicle began to tumble before it was destroyed. "
     "Elon Musk congratulated the team and said SpaceX had learned a lot for the next test in a few months."),
    ("starship-2", "journal-d", "e-starship", "2023-04-20T19:00:00Z",
     "Musk's giant rocket fails to reach space but SpaceX calls test a success",
     "The Starship rocket that Elon Musk hopes will one day carry people to Mars lost control and was blown up "
     "by its own flight termination system over the Gulf of Mexico on Thursday. The launch from the Starbase site "
     "near Brownsville sent debris and dust over nearby Port Isabel. The Federal Aviation Administration said it "
     "would oversee a mishap investigation before another Starship can fly."),
    # --- Francis Scott Key Bridge collapse, 26 March 2024
    ("bridge-1", "wire-a", "e-key-bridge", "2024-03-26T10:00:00Z",
     "Baltimore's Key Bridge collapses after ship strike",
     "The Francis Scott Key Bridge in Baltimore collapsed into the Patapsco River early on Tuesday after a "
     "container ship, the Dali, lost power and struck one of its supports. Six construction workers filling "
     "potholes on the span are missing. Maryland Governor Wes Moore declared a state of emergency and said the "
     "crew had sent a mayday call that let police stop traffic onto the bridge moments before it fell."),
    ("bridge-2", "daily-b", "e-key-bridge", "2024-03-26T16:00:00Z",
     "Search for missing workers after Baltimore bridge disaster",
     "Divers searched the cold water of the Patapsco on Tuesday for six men who were repairing the Key Bridge "
     "when the cargo vessel Dali hit a pier and brought the 1.6-mile span down. Transportation Secretary Pete "
     "Buttigieg said reopening the Port of Baltimore, one of the busiest for car shipments, would take time. "
     "Governor Moore praised the officers who closed the road after the ship's crew warned of a power failure."),
    ("bridge-3", "times-c", "e-key-bridge", "2024-03-27T08:00:00Z",
     "Two bodies recovered from Baltimore river as bridge investigation begins",
     "Maryland State Police said on Wednesday that divers had recovered the bodies of two of the six workers "
     "who fell with the Francis Scott Key Bridge. The National Transportation Safety Board boarded the Dali, a "
     "Singapore-flagged ship chartered by Maersk, to collect its voyage data recorder. President Joe Biden said "
     "the federal government would pay to rebuild the bridge."),
    # --- Maui wildfires, August 2023
    ("maui-1", "journal-d", "e-maui", "2023-08-10T06:00:00Z",
     "Wildfire destroys historic Lahaina on Maui",
     "A wind-driven wildfire swept through the historic town of Lahaina on Maui, killing at least 36 people and "
     "reducing much of Front Street to ash, Hawaii officials said. Gusts from Hurricane Dora passing far to the "
     "south fanned the flames. Governor Josh Green said thousands of residents and tourists had been evacuated "
     "and that the island's west side had no power or mobile service."),
    ("maui-2", "times-c", "e-maui", "2023-08-11T02:00:00Z",
     "Lahaina fire becomes deadliest US wildfire in years",
     "The death toll from the fire that razed Lahaina rose to 55 on Thursday, and Governor Josh Green warned it "
     "would climb as search teams with dogs went through burned homes. The blaze on Maui is now the deadliest in "
     "the United States since the 2018 Camp Fire in California. Residents said they had no warning from the "
     "island's sirens before the flames reached the harbour and the old banyan tree."),
    # --- singletons
    ("vision-pro", "wire-a", "e-vision-pro", "2023-06-05T19:00:00Z",
     "Apple unveils $3,499 Vision Pro headset",
     "Apple introduced the Vision Pro, a mixed-reality headset that it calls a spatial computer, at its developer "
     "conference in Cupertino on Monday. Tim Cook said the device, which will cost $3,499 when it goes on sale "
     "in the United States early next year, was the start of a new era. Analysts questioned how many people "
     "would pay that much."),
    ("twitter-x", "daily-b", "e-twitter-x", "2023-07-24T12:00:00Z",
     "Twitter replaces blue bird logo with X",
     "Twitter began replacing its blue bird logo with a stylised X on Monday, as owner Elon Musk pushed ahead "
     "with plans to turn the social network into an everything app. Chief executive Linda Yaccarino said X would "
     "offer payments, banking and video. Branding experts said the company was throwing away one of the best "
     "known logos in the world."),
]

# The two seed articles (../shared/fixtures/seeds): one event, two outlets, different words.
SEEDS = [
    ("kazakhstan-web", "herald-e", "e-csto-kazakhstan", "2022-01-06T12:00:00Z",
     "Russia-led troops arrive in Kazakhstan as unrest continues", "kazakhstan-web-page.txt"),
    ("kazakhstan-rewrite", "post-f", "e-csto-kazakhstan", "2022-01-06T18:00:00Z",
     "Russia sends paratroopers to Kazakhstan as CSTO peacekeepers", "kazakhstan-translated-rewrite.txt"),
]
SEED_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "shared",
                              "fixtures", "seeds")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    rows = []
    for ident, source, event, published, title, name in SEEDS:
        with open(os.path.join(SEED_DIRECTORY, name), encoding="utf-8") as handle:
            ARTICLES.append((ident, source, event, published, title, handle.read()))
    for ident, source, event, published, title, text in ARTICLES:
        rows.append(({"id": ident, "source": source, "title": title, "published": published, "text": text}, event))
    with open(os.path.join(here, "realistic.jsonl"), "w", encoding="utf-8") as out, \
            open(os.path.join(here, "realistic.labels.jsonl"), "w", encoding="utf-8") as labels:
        for doc, event in sorted(rows, key=lambda row: row[0]["published"]):
            out.write(json.dumps(doc, ensure_ascii=False) + "\n")
            labels.write(json.dumps({"id": doc["id"], "event": event}) + "\n")


if __name__ == "__main__":
    main()
