"""The food lexicon: canonical ingredient names, their synonyms, and what they contain.

One entry per food: ``canonical: alias, alias | traits``; an indented line continues
the entry above it. Aliases are matched as
whole words after folding and singularising, longest phrase first, so
"peanut butter" wins over "butter" and "coconut milk" over "milk". An entry
with no traits is a food known to be free of every tracked trait; it also
shields its words from shorter entries ("water chestnut" is not a tree nut).

Traits: meat pork fish crustacean mollusc egg milk honey alcohol gluten peanut
tree_nut soy celery mustard sesame sulphites lupin high_carb.

When in doubt an entry is conservative (stock cubes may hide meat, gluten and
celery; chocolate may hide milk; oats count as a gluten cereal as EU labelling
does): a false alarm hides a recipe, a miss can hurt someone.
"""

LEXICON = """
# --- vegetables and herbs -------------------------------------------------
onion: red onion, white onion, yellow onion, brown onion, sweet onion, spanish onion, vidalia
    onion, pearl onion, shallot onion |
scallion: green onion, spring onion, salad onion, scallion |
shallot |
garlic: garlic clove, clove garlic, clove of garlic |
leek |
chive |
tomato: cherry tomato, plum tomato, roma tomato, beefsteak tomato, tomatoes |
tomato paste: tomato puree, tomato concentrate |
tomato sauce: pizza sauce, passata, marinara sauce, crushed tomato, chopped tomato, canned tomato,
    tinned
    tomato, diced tomato |
potato: russet potato, yukon gold potato, new potato, baking potato, waxy potato, floury potato |
    high_carb
sweet potato: yam, kumara | high_carb
cassava: manioc, yuca, tapioca, cassava flake, garri, gari | high_carb
cocoyam: taro | high_carb
plantain | high_carb
carrot: baby carrot |
celery: celery stalk, celery rib, celery stick, celery leaf, celeriac, celery root, celery seed,
    celery salt | celery
bell pepper: red bell pepper, green bell pepper, yellow bell pepper, orange bell pepper, capsicum,
    sweet pepper, red pepper, green pepper, yellow pepper, pimento, pimiento |
chili: chile, chilli, chili pepper, chile pepper, chilli pepper, hot pepper, jalapeno, serrano,
    habanero, scotch bonnet, cayenne pepper, bird eye chili, red chili, green chili, chili flake,
    red pepper flake, chile flake, cayenne, ancho, ancho chile, pasilla, mulato, guajillo,
    cascabel, chiltepin, pepperoncini, gochugaru |
black pepper: pepper, peppercorn, ground pepper, white pepper |
cucumber |
zucchini: courgette |
eggplant: aubergine, brinjal |
spinach: baby spinach |
kale |
lettuce: romaine, iceberg lettuce |
cabbage: red cabbage, white cabbage, napa cabbage, savoy cabbage, bok choy, pak choi |
broccoli |
cauliflower |
brussels sprout |
asparagus |
green bean: string bean, french bean, runner bean |
pea: green pea, garden pea, snow pea, sugar snap pea |
corn: sweet corn, sweetcorn, corn kernel, maize, corn on the cob | high_carb
mushroom: button mushroom, oyster mushroom, shiitake, portobello, cremini, chanterelle, porcini |
beetroot: beet |
radish |
turnip |
parsnip |
pumpkin: butternut squash, squash, butternut, acorn squash |
okra |
artichoke: artichoke heart |
avocado |
olive: black olive, green olive, kalamata olive |
ginger: ginger root, fresh ginger |
parsley: flat leaf parsley, italian parsley |
cilantro: coriander leaf, fresh coriander |
coriander: coriander seed, ground coriander |
basil |
mint |
dill |
thyme |
rosemary |
oregano |
sage |
bay leaf |
tarragon |
lemongrass |
watercress: cress |
arugula: rocket |
water chestnut |
bamboo shoot |
bean sprout |
seaweed: nori, kelp, kombu, wakame |
ukazi leaf |
bitter leaf |
# --- fruit ----------------------------------------------------------------
apple: green apple, granny smith apple |
banana | high_carb
orange |
lemon: lemon juice, lemon zest, lemon rind |
lime: lime juice, lime zest |
strawberry |
raspberry |
blueberry |
cherry |
grape |
pear |
peach |
apricot |
mango |
pineapple |
coconut: desiccated coconut, shredded coconut, coconut flake, coconut water, coconut oil, coconut
    milk, coconut cream, creamed coconut |
date | high_carb
fig |
watermelon |
melon |
pomegranate |
kiwi |
papaya |
passion fruit |
rhubarb |
cranberry |
orange juice | high_carb
apple juice | high_carb
dried fruit: raisin, sultana, currant, prune, dried apricot, dried cranberry, dried fig, candied
    peel, mixed peel | sulphites high_carb
# --- pulses, grains, starches -----------------------------------------------
chickpea: garbanzo bean, garbanzo, chana |
lentil: red lentil, green lentil, brown lentil, dal, dhal, masoor dal, toor dal |
bean: black bean, kidney bean, red kidney bean, pinto bean, cannellini bean, navy bean, haricot
    bean, white bean, butter bean, lima bean, broad bean, fava bean, black eyed pea, black eyed
    bean, mung bean, adzuki bean, baked bean, refried bean |
rice: white rice, brown rice, basmati rice, jasmine rice, long grain rice, short grain rice,
    arborio rice, sushi rice, wild rice, glutinous rice, sticky rice, rice grain | high_carb
quinoa | high_carb
millet | high_carb
buckwheat | high_carb
sago | high_carb
polenta: cornmeal, grits, masa harina, masa, corn flour, cornflour, maize flour, maize meal |
    high_carb
cornstarch: corn starch, potato starch, arrowroot, tapioca starch | high_carb
gluten-free flour: gluten free flour, rice flour, coconut flour, chickpea flour, gram flour, besan,
    cassava flour, potato flour, tapioca flour, buckwheat flour, sorghum flour, teff flour, millet
    flour, yam flour, plantain flour, banana flour | high_carb
almond flour: almond meal, ground almond | tree_nut
soy flour | soy
lupin flour | lupin
peanut flour | peanut
flour: all purpose flour, plain flour, wheat flour, white flour, bread flour, self raising flour,
    self rising flour, cake flour, pastry flour, whole wheat flour, wholemeal flour, strong flour,
    atta, maida, spelt flour, rye flour | gluten high_carb
wheat: bulgur, bulghur, burghul, cracked wheat, semolina, farina, durum, spelt, kamut, farro,
    freekeh, wheat germ, wheat bran, bran, seitan, vital wheat gluten, gluten, einkorn, emmer,
    triticale, bulgar | gluten high_carb
barley: pearl barley, malt, malt extract, barley malt | gluten high_carb
rye | gluten high_carb
oat: rolled oat, oatmeal, porridge oat, quick oat, steel cut oat, oat bran, muesli, granola |
    gluten high_carb
couscous | gluten high_carb
bread: white bread, whole wheat bread, wholemeal bread, sourdough, baguette, ciabatta, focaccia,
    bread slice, toast, bun, roll, dinner roll, bagel, pita, pitta, naan, chapati, roti, paratha,
    tortilla, flour tortilla, wrap, flatbread, hamburger bun, hot dog bun, burger bun, sandwich
    bread, english muffin, crumpet, croissant, crouton, breadcrumb, bread crumb, panko, stale
    bread, cornbread, breading, breading mix, khubz, puri, poori | gluten high_carb
brioche: challah | gluten egg milk high_carb
corn tortilla: tortilla chip, taco shell, corn chip | high_carb
gluten-free bread: gluten free bread, gluten free pasta, rice cake, rice paper | high_carb
pasta: spaghetti, macaroni, penne, fusilli, linguine, fettuccine, tagliatelle, rigatoni, farfalle,
    orzo, lasagna, lasagne, lasagna noodle, vermicelli, angel hair, cannelloni, conchiglie,
    gnocchi, dry pasta, dried pasta, udon, ramen, soba, wheat noodle, noodle, acini di pepe,
    pastina,
    agnolotti | gluten high_carb
egg noodle: egg pasta, fresh pasta, tortellini, ravioli, spaetzle, spatzle | gluten egg high_carb
rice noodle: rice vermicelli, rice stick, glass noodle, cellophane noodle, bean thread noodle,
    shirataki | high_carb
pastry: puff pastry, shortcrust pastry, filo, phyllo, filo pastry, phyllo dough, pie crust, pie
    shell, pastry shell, tart shell, dough, pizza dough, pizza base, wonton wrapper, dumpling
    wrapper, spring roll wrapper, pastry case, pizza crust, cannoli shell | gluten high_carb
biscuit: cookie, cracker, graham cracker, digestive biscuit, wafer, ladyfinger, sponge finger,
    pretzel, cake, sponge cake, pound cake, cake mix, baking mix, bisquick, cereal, cornflake, cake
    crumb, cookie crumb, doughnut, donut, waffle, muffin, pancake mix | gluten high_carb
# --- sugar, sweeteners ------------------------------------------------------
sugar: white sugar, granulated sugar, caster sugar, castor sugar, superfine sugar, cane sugar, raw
    sugar, demerara sugar, turbinado sugar, coarse sugar, sugar cube, palm sugar, jaggery, coconut
    sugar, vanilla sugar | high_carb
brown sugar: light brown sugar, dark brown sugar, muscovado sugar, muscovado | high_carb
powdered sugar: icing sugar, confectioners sugar, confectioner sugar, powder sugar | high_carb
syrup: maple syrup, golden syrup, corn syrup, light corn syrup, agave syrup, agave nectar, simple
    syrup, sugar syrup, treacle, molasses, date syrup, glucose syrup, glucose | high_carb
honey: runny honey, clear honey, honeycomb | honey high_carb
jam: apple butter, jelly, preserve, marmalade, fruit preserve, conserve | high_carb
sweetener: stevia, erythritol, sucralose, artificial sweetener |
chocolate: dark chocolate, milk chocolate, white chocolate, semisweet chocolate, bittersweet
    chocolate, chocolate chip, chocolate chunk, baking chocolate, cooking chocolate, chocolate bar,
    couverture | milk high_carb
cocoa: cocoa butter, cocoa powder, cacao, cacao powder, unsweetened cocoa, cocoa nib |
marshmallow: mini marshmallow | pork meat high_carb
gelatin: gelatine, gelatin powder, gelatine leaf, jello, jelly crystal | pork meat
# --- dairy and eggs -----------------------------------------------------------
milk: whole milk, skim milk, skimmed milk, semi skimmed milk, low fat milk, full fat milk, cow
    milk, goat milk, fresh milk, dairy milk, milk powder, powdered milk, dry milk, nonfat dry milk,
    condensed milk, sweetened condensed milk, evaporated milk, milk solid, lactose, dulce de leche,
    cajeta, khoa, khoya, mawa | milk
buttermilk | milk
cream: heavy cream, double cream, single cream, light cream, whipping cream, heavy whipping cream,
    whipped cream, thickened cream, half and half, creme fraiche, clotted cream, table cream,
    cooking cream | milk
sour cream: soured cream | milk
butter: unsalted butter, salted butter, melted butter, clarified butter, ghee, margarine, butter
    stick, knob butter, smen, brown butter, beurre | milk
yogurt: yoghurt, greek yogurt, natural yogurt, plain yogurt, curd, dahi, labneh, skyr, kefir, quark
    , lassi, raita, tzatziki | milk
cheese: blue cheese, gorgonzola, roquefort, stilton, brie, camembert, gouda, edam, emmental,
    emmentaler, gruyere, swiss cheese, provolone, monterey jack, jack cheese, colby, manchego,
    halloumi, queso fresco, queso, cotija, fontina, asiago, havarti, muenster, american cheese,
    processed cheese, cheese slice, grated cheese, shredded cheese, chevre, goat cheese,
    neufchatel, velveeta, cheese sauce, burrata, taleggio, raclette, reblochon, comte, jarlsberg,
    leerdammer, wensleydale, red leicester, double gloucester, caerphilly, pepper jack, colby jack,
    panela, mizithra, kasseri, kefalotyri, graviera, kashkaval, bryndza, bryndze, tvorog, requeson,
    fromage frais, fromage blanc, chhena, chenna, cheese curd | milk
cheddar: cheddar cheese, sharp cheddar, mature cheddar | milk
mozzarella: mozzarella cheese, buffalo mozzarella, bocconcini | milk
parmesan: parmesan cheese, parmigiano, parmigiano reggiano, grana padano, pecorino, pecorino
    romano, romano | milk
feta: feta cheese | milk
ricotta: ricotta cheese, cottage cheese, ricotta salata | milk
cream cheese: mascarpone, philadelphia | milk
paneer | milk
ice cream: vanilla ice cream, gelato | milk egg high_carb
custard: custard powder, creme anglaise, pastry cream, creme patissiere, zabaglione, sabayon |
    milk egg high_carb
lemon curd: lime curd, orange curd, passion fruit curd | milk egg high_carb
whey: whey protein, casein | milk
egg: large egg, egg yolk, egg white, yolk, whole egg, hard boiled egg, boiled egg, quail egg, duck
    egg, beaten egg, egg wash | egg
mayonnaise: mayo, aioli, hollandaise, tartar sauce, salad cream, bearnaise, bearnaise sauce,
    albumen, albumin, egg replacer powder | egg
meringue: eggnog, pavlova | egg high_carb
nougat: macaron, torrone | egg tree_nut high_carb
rice milk |
plant milk: non dairy milk, dairy free milk, vegan milk, nondairy milk | soy tree_nut gluten
soy milk: soya milk | soy
almond milk | tree_nut
cashew milk | tree_nut
oat milk | gluten
vegan butter: vegan margarine, dairy free butter, plant butter |
vegan cheese: dairy free cheese, nutritional yeast |
# --- meat, poultry ------------------------------------------------------------
chicken: chicken breast, chicken thigh, chicken leg, chicken wing, chicken drumstick, drumstick,
    whole chicken, chicken meat, chicken fillet, chicken tender, rotisserie chicken, boneless
    chicken, hen, poussin, chicken liver, chicken giblet | meat
turkey: ground turkey, turkey breast, turkey meat | meat
duck: duck breast, duck leg, goose | meat
beef: standing rib roast, rib roast, prime rib, filet mignon, tenderloin steak, ground beef, minced
    beef, beef mince, mince, minced meat, ground meat, hamburger meat, steak, sirloin, rump steak,
    flank steak, skirt steak, chuck, brisket, stewing beef, beef stew meat, stew meat, roast beef,
    corned beef, oxtail, veal, beef tongue, hamburger, burger, beef jerky, jerky, pastrami, bison,
    buffalo, meatball | meat
meat: assorted meat, red meat, tongue, tripe, cow foot, cow skin, ponmo, shaki, venison, rabbit,
    liver, kidney, sweetbread, bone marrow, marrow bone, suet, beef dripping, dripping, foie gras,
    pate, quail, pheasant, pigeon, offal, giblet, gizzard, iguana, human placenta, placenta | meat
lamb: mutton, lamb chop, lamb shoulder, leg of lamb, ground lamb, minced lamb, goat, goat meat |
    meat
pork: pork chop, pork loin, pork shoulder, pork belly, pork tenderloin, ground pork, minced pork,
    pork mince, pork rib, spare rib, pig, hog, pork rind, crackling, chitterling, trotter, pig foot
    | pork meat
bacon: streaky bacon, back bacon, bacon rasher, rasher, bacon bit, lardon, pancetta, guanciale |
    pork meat
ham: ham hock, gammon, prosciutto, parma ham, serrano ham, jamon, speck, canadian bacon | pork meat
sausage: pork sausage, chorizo, chourico, salami, pepperoni, bratwurst, kielbasa, frankfurter, hot
    dog, wiener, mortadella, bologna, black pudding, blood sausage, andouille, merguez, sausage
    meat, spam, luncheon meat, cured meat, cold cut | pork meat
lard: pork fat, bacon fat, bacon grease | pork meat
chicken fat: schmaltz | meat
# --- stocks and cubes: may hide meat, gluten and celery -------------------------
chicken stock: chicken broth, chicken bouillon, chicken soup, chicken consomme | meat celery
beef stock: beef broth, beef bouillon, beef consomme, bone broth, veal stock, lamb stock | meat
    celery
stock: chicken stock cube, beef stock cube, chicken bouillon cube, beef bouillon cube, chicken
    cube, beef cube, broth, bouillon, consomme, stock cube, bouillon cube, seasoning cube, maggi,
    maggi cube, knorr, knorr cube, stock powder, bouillon powder, gravy, gravy granule, demi glace
    | meat gluten celery
vegetable stock: vegetable broth, vegetable bouillon, vegetarian stock, vegan stock | celery
vegetable stock cube: vegetable bouillon cube, vegetable stock powder | gluten celery
fish stock: fish broth, dashi, fish bouillon | fish
# --- fish and seafood ------------------------------------------------------------
fish: fishball, fish ball, fish cake, white fish, whitefish, fish fillet, cod, salt cod, bacalao,
    haddock, halibut, tilapia, sea bass, bass, snapper, red snapper, catfish, stockfish, smoked
    fish, pollock, carp, eel, swordfish, mahi mahi, sole, flounder, plaice, perch, pike, monkfish,
    grouper, hake, skate, barramundi, whitebait, bonito, katsuobushi, caviar, roe, fish roe,
    surimi, crab stick, gefilte fish, milkfish, bangus, tinapa, bream, sea bream, mullet,
    red mullet,
    turbot, john dory, arctic char, shad, smelt, whiting, spelding, gravlax, bacalhau, baccala,
    ikan bilis, kamaboko, fish paste, fish oil, cod liver oil, omena, dagaa | fish
salmon: smoked salmon, lox, salmon fillet | fish
tuna: tuna steak, canned tuna, tuna fish | fish
sardine: pilchard, sprat, anchovy, anchovy fillet, anchovy paste | fish
mackerel: herring, kipper, trout | fish
fish sauce: nam pla, patis, nuoc mam, garum, aekjeot | fish
worcestershire sauce: worcestershire, worcester sauce | fish gluten sulphites
shrimp: prawn, king prawn, tiger prawn, jumbo shrimp, dried shrimp, shrimp paste, crab, crabmeat,
    crab meat, lobster, crayfish, crawfish, langoustine, scampi, krill, ground crayfish, trassi,
    terasi, bagoong, belacan, blachan | crustacean
clam: mussel, oyster, scallop, squid, octopus, calamari, snail, escargot, cuttlefish, abalone,
    whelk, cockle, periwinkle, conch, geoduck, oyster sauce | mollusc
seafood: shellfish, seafood mix, mixed seafood, fruit de mer | fish crustacean mollusc
# --- nuts, seeds, soy -----------------------------------------------------------
peanut: groundnut, monkey nut, peanut butter, peanut oil, groundnut oil, arachis oil, satay sauce,
    peanut sauce, roasted peanut, satay | peanut
almond: slivered almond, flaked almond, blanched almond, almond extract, almond essence, marzipan,
    almond paste, amaretti, frangipane, almond butter | tree_nut
walnut | tree_nut
pecan | tree_nut
cashew: cashew nut, cashew butter | tree_nut
pistachio | tree_nut
hazelnut: filbert | tree_nut
nutella: hazelnut spread, gianduja, praline | tree_nut milk
macadamia: macadamia nut | tree_nut
brazil nut | tree_nut
pine nut: pignoli, pinon | tree_nut
pesto: basil pesto, pesto sauce | tree_nut milk
chestnut: chestnut puree | tree_nut
nut: mixed nut, chopped nut, nut butter, nut milk | tree_nut
amaretto: frangelico, nocino | alcohol tree_nut
baklava | tree_nut gluten high_carb
dukkah: duqqa | sesame tree_nut
nutmeg: ground nutmeg, mace |
tiger nut: tigernut |
sesame: sesame seed, sesame oil, toasted sesame oil, tahini, tahina, halva, halvah, benne, gomasio,
    furikake, zaatar, za atar, hummus, hummous, sesame paste, gomashio, baba ganoush,
    baba ghanoush |
    sesame
mustard: dijon mustard, dijon, whole grain mustard, wholegrain mustard, yellow mustard, english
    mustard, dry mustard, mustard powder, mustard seed, mustard oil, mustard green, brown mustard
    seed, black mustard seed, piccalilli | mustard
soy sauce: soya sauce, light soy sauce, dark soy sauce, kecap manis, shoyu, teriyaki sauce, hoisin
    sauce, hoisin, black bean sauce, miso, miso paste, white miso, red miso, teriyaki, doenjang,
    gochujang, char siu sauce | soy gluten
tamari: gluten free soy sauce | soy
tofu: bean curd, firm tofu, silken tofu, tempeh, edamame, soybean, soy bean, soya bean, soy
    protein, textured vegetable protein, tvp, natto, yuba, soy, soya, soy oil, soya oil,
    soybean oil, okara, lecithin, soy lecithin | soy
lupin: lupine, lupini bean, lupin bean | lupin
sunflower seed |
pumpkin seed: pepita |
flaxseed: flax seed, linseed, ground flaxseed |
chia seed |
poppy seed |
egusi: melon seed |
# --- drinks and alcohol ------------------------------------------------------------
water: cold water, warm water, hot water, boiling water, ice water, ice, ice cube, tap water, iced
    water |
sparkling water: soda water, club soda, seltzer, mineral water |
tea: black tea, green tea, tea bag, tea leaf, earl grey, chai, matcha |
coffee: espresso, instant coffee, brewed coffee, coffee granule, ground coffee |
wine: red wine, white wine, dry white wine, dry red wine, rose wine, cooking wine, rice wine,
    shaoxing wine, sake, mirin, sherry, dry sherry, port, port wine, marsala, madeira, vermouth,
    champagne, prosecco, sparkling wine, cava | alcohol sulphites
beer: ale, lager, stout, porter, dark beer, light beer | alcohol gluten sulphites
cider: hard cider | alcohol sulphites
spirit: rum, dark rum, white rum, vodka, brandy, cognac, whisky, whiskey, bourbon, scotch, gin,
    tequila, mezcal, liqueur, kahlua, coffee liqueur, grand marnier, triple sec,
    cointreau, schnapps, absinthe, ouzo, pastis, kirsch, calvados, grappa, sambuca, baileys, irish
    cream, creme de menthe, creme de cacao, limoncello, arak, raki, soju, pisco, cachaca, chambord,
    jagermeister, campari, aperol, bitters, angostura bitters | alcohol
mead | alcohol honey sulphites
wine vinegar: red wine vinegar, white wine vinegar, sherry vinegar, balsamic vinegar, balsamic,
    champagne vinegar | sulphites
malt vinegar | gluten sulphites
vinegar: white vinegar, distilled vinegar, rice vinegar, rice wine vinegar, apple cider vinegar,
    cider vinegar, coconut vinegar, cane vinegar, spirit vinegar |
# --- oils, seasonings, baking ---------------------------------------------------------
oil: vegetable oil, canola oil, rapeseed oil, sunflower oil, corn oil, cooking oil, frying oil, oil
    for frying, neutral oil, grapeseed oil, avocado oil, safflower oil, palm oil, red palm oil,
    shortening, vegetable shortening, cooking spray, fat, cooking fat, frying fat |
olive oil: extra virgin olive oil, virgin olive oil, light olive oil |
salt: sea salt, kosher salt, table salt, coarse salt, flaky salt, rock salt, pink salt, fine salt |
garlic salt |
garlic powder: granulated garlic |
onion powder |
baking powder |
baking soda: bicarbonate of soda, bicarb soda, sodium bicarbonate, bicarbonate |
yeast: dry yeast, active dry yeast, instant yeast, fresh yeast, rapid rise yeast |
vanilla: vanilla extract, vanilla essence, vanilla bean, vanilla pod |
cream of tartar |
cinnamon: cinnamon stick, ground cinnamon |
cumin: cumin seed, ground cumin, jeera |
turmeric: ground turmeric, haldi |
paprika: smoked paprika, sweet paprika, hot paprika |
curry powder: madras curry powder | mustard
curry paste: red curry paste, green curry paste, yellow curry paste, thai curry paste, massaman
    curry paste | crustacean mustard
garam masala |
clove: ground clove, whole clove |
cardamom: cardamom pod, green cardamom |
allspice |
star anise |
anise: aniseed, fennel seed |
fennel: fennel bulb |
saffron |
chili powder: chile powder, chilli powder |
mixed spice: pumpkin pie spice, spice mix, mixed herb, italian seasoning, herbes de provence, dried
    herb |
ketchup: tomato ketchup, catsup | high_carb
hot sauce: tabasco, sriracha, chili sauce, sambal, sambal oelek, harissa, chili paste |
barbecue sauce: bbq sauce | high_carb
salsa |
caper |
pickle: gherkin, dill pickle |
kimchi |
sauerkraut |
curry leaf: curry leave, kari leaf |
marjoram |
caraway: caraway seed |
fenugreek: fenugreek seed, fenugreek leaf, methi, methi leaf, kasuri methi |
nigella seed: kalonji, black cumin |
juniper berry |
asafoetida: hing, asafoetida powder, hing powder | gluten
horseradish |
wasabi |
tamarind: tamarind paste, tamarind pulp, tamarind juice |
galangal |
chipotle: chipotle pepper, chipotle powder, chipotle in adobo, adobo sauce |
five spice powder: chinese five spice |
cajun seasoning: creole seasoning, jerk seasoning, taco seasoning, taco seasoning mix |
berbere: berbere spice, berbere spice blend |
niter kibbeh: nit ir kibbeh, spiced butter | milk
injera | gluten high_carb
matzo: matzo meal, matzah, matzoh, matza, saltine, saltine cracker, water cracker | gluten
    high_carb
bechamel sauce: bechamel, white sauce, alfredo sauce, mornay, mornay sauce | milk gluten
espagnole sauce: brown sauce | meat gluten celery
collard green: collard, greens, leafy green, spring green, swiss chard, chard, amaranth leaf |
applesauce: apple sauce, apple puree | high_carb
plum |
blackberry |
whipped topping: cool whip | milk
cola: coca cola, soda, soft drink | high_carb
xanthan gum: guar gum |
pectin |
msg: monosodium glutamate |
hash brown | high_carb
guacamole |
food coloring: food colouring, food dye |
liquid smoke |
italian dressing: vinaigrette, salad dressing | sulphites
thousand island dressing: ranch dressing | egg milk
caesar dressing: caesar | egg milk fish
dried fish: dryfish, smoked dried fish | fish
kpomo: kponmo | meat
locust bean: iru, ogiri, ugba, oil bean, dawadawa |
pandan leaf: pandan |
scent leaf: utazi leaf, uziza leaf, ugu leaf, bitterleaf |
savory: summer savory, winter savory |
chervil |
sorrel |
alfalfa sprout |
hibiscus: hibiscus petal, hibiscus flower, roselle |
jackfruit |
durian |
calamansi |
hominy | high_carb
popcorn | high_carb
annatto: annatto seed, achiote, achiote seed |
rose water: rosewater, orange blossom water, orange flower water |
citric acid |
potash: kaun, akanwu, edible potash |
caffeine |
caramel color: caramel colouring |
chaat masala: chat masala | gluten
chimichurri: chimichurri sauce |
# --- not food: kitchen equipment that recipes list with the ingredients ------------------
wood chip: hickory wood chip, mesquite wood chip, hickory chip, mesquite chip, applewood chip, wood
    chunk, hickory chunk, mesquite chunk, charcoal, toothpick, skewer, bamboo skewer, cocktail
    stick, cedar plank, maple plank, kitchen twine, butcher twine, parchment paper, baking paper,
    aluminium foil, aluminum foil, cheesecloth |

""".strip()
