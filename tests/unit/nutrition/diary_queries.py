"""What people type into a food diary, and the USDA food each one means.

Each row: the query, words the matched USDA description must contain (lower case), and
words it must not contain. Written from USDA SR Legacy / FNDDS descriptions by hand: the
food a dietitian would pick, not whatever the matcher returns.
"""

from __future__ import annotations

DIARY: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    # Single words: fruit people eat raw.
    ("banana", ("bananas", "raw"), ("dehydrated", "chips")),
    ("apple", ("apples", "raw"), ("juice", "sauce", "dried")),
    ("apples", ("apples", "raw"), ("juice", "sauce", "dried")),
    ("orange", ("oranges", "raw"), ("juice", "peel")),
    ("strawberries", ("strawberries", "raw"), ("frozen",)),
    ("grapes", ("grapes", "raw"), ("juice",)),
    ("pear", ("pears", "raw"), ("asian", "juice")),
    ("watermelon", ("watermelon", "raw"), ()),
    ("avocado", ("avocados", "raw"), ()),
    ("blueberries", ("blueberries", "raw"), ("frozen", "dried")),
    ("mango", ("mangos", "raw"), ("dried",)),
    # Vegetables eaten raw.
    ("carrots", ("carrots", "raw"), ("juice", "baby")),
    ("tomato", ("tomatoes", "raw"), ("juice", "sauce", "green", "sun-dried")),
    ("cucumber", ("cucumber", "raw"), ()),
    ("spinach", ("spinach",), ("souffle", "frozen", "canned")),
    ("broccoli", ("broccoli",), ("chinese", "soup", "frozen")),
    # Foods people eat cooked.
    ("rice", ("rice", "white", "cooked"), ("glutinous", "fried", "brown", "wild", "flour")),
    ("white rice", ("rice", "white", "cooked"), ("glutinous", "fried", "flour")),
    ("brown rice", ("rice", "brown", "cooked"), ("fried", "flour", "cake")),
    ("chicken breast", ("chicken", "breast", "meat only"), ("raw", "roll", "fried", "skin,")),
    ("grilled chicken breast", ("chicken", "breast"), ("raw", "roll", "fried", "batter")),
    ("chicken thigh", ("chicken", "thigh", "cooked"), ("raw", "fried")),
    ("salmon", ("salmon", "cooked"), ("raw", "smoked", "canned")),
    ("tuna", ("tuna",), ("salad", "raw")),
    ("shrimp", ("shrimp", "cooked"), ("raw", "breaded", "fried")),
    ("ground beef", ("beef", "ground"), ("raw",)),
    ("bacon", ("bacon", "cooked"), ("raw", "turkey", "canadian", "bits")),
    ("turkey breast", ("turkey", "breast"), ("raw", "roll", "luncheon")),
    ("pasta", ("pasta", "cooked"), ("dry", "salad", "sauce")),
    ("spaghetti", ("spaghetti", "cooked"), ("dry", "sauce", "canned")),
    ("quinoa", ("quinoa", "cooked"), ()),
    ("lentils", ("lentils", "cooked"), ("raw", "sprouted")),
    ("black beans", ("beans", "black", "cooked"), ("raw", "soup")),
    ("chickpeas", ("chickpeas", "cooked"), ("raw", "hummus")),
    ("baked potato", ("potato", "baked"), ("chips", "sweet", "skin only")),
    ("sweet potato", ("sweet potato", "cooked"), ("raw", "fries", "canned", "leaves")),
    # Quantity words and containers are not the food.
    ("2 eggs", ("egg", "whole"), ("dried", "yolk", "white", "substitute")),
    ("a bowl of oatmeal", ("oat",), ("bread", "cookie", "bran", "flour", "dry")),
    ("oatmeal", ("oat",), ("bread", "cookie", "bran", "flour", "dry")),
    ("1 cup of blueberries", ("blueberries", "raw"), ("frozen",)),
    ("3 slices of bread", ("bread",), ("crumbs", "pudding", "stuffing")),
    ("a glass of milk", ("milk",), ("dry", "soy", "chocolate", "buttermilk", "human")),
    ("two bananas", ("bananas", "raw"), ("dehydrated",)),
    # Cooking words pick the cooked form.
    ("boiled egg", ("egg", "hard-boiled"), ()),
    ("fried egg", ("egg", "fried"), ()),
    ("scrambled eggs", ("egg", "scrambled"), ("substitute",)),
    # Dairy, fats, sweets, drinks.
    ("milk", ("milk",), ("dry", "soy", "chocolate", "buttermilk", "human", "canned")),
    ("whole milk", ("milk", "whole"), ("dry", "chocolate", "canned")),
    ("greek yogurt", ("yogurt", "greek"), ("frozen",)),
    ("cheddar cheese", ("cheese", "cheddar"), ("soup", "sauce", "cracker")),
    ("butter", ("butter",), ("peanut", "cookie", "oil", "whipped", "apple")),
    ("olive oil", ("oil", "olive"), ()),
    ("peanut butter", ("peanut butter",), ("cookie", "cracker", "candies", "sandwich")),
    ("almonds", ("almonds",), ("oil", "butter", "paste", "milk")),
    ("walnuts", ("walnuts",), ("oil",)),
    ("honey", ("honey",), ("roasted", "cereal", "ham")),
    ("sugar", ("sugar",), ("cookie", "free", "brown", "powdered")),
    ("coffee", ("coffee", "brewed"), ("decaffeinated", "instant")),
    ("black coffee", ("coffee", "brewed"), ("instant",)),
    ("tea", ("tea", "brewed"), ("herb", "instant", "iced")),
    ("orange juice", ("orange juice",), ("drink",)),
    ("white bread", ("bread", "white"), ("crumbs", "pudding")),
    ("whole wheat bread", ("bread", "whole-wheat"), ("crumbs",)),
    ("bread", ("bread",), ("crumbs", "pudding", "stuffing", "sticks")),
    ("tofu", ("tofu",), ("fried", "yogurt", "dessert")),
    ("hummus", ("hummus",), ()),
    ("pizza", ("pizza",), ("roll",)),
    ("donut", ("doughnut",), ()),
    ("cottage cheese", ("cheese", "cottage"), ()),
]
