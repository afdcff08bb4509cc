using Bogus;

namespace ExperimentRunner.Presentation.Stimuli;

/// <summary>Two-sentence bios from small hand-written phrase lists; Bogus supplies the choices and the cities.</summary>
internal static class Bios
{
    private static readonly string[] Jobs =
    [
        "a nurse", "a primary school teacher", "a software developer", "an architect", "a physiotherapist", "a chef",
        "a graphic designer", "an accountant", "a vet", "a librarian", "an electrician", "a journalist",
        "a pharmacist", "a bike mechanic", "a marketing manager", "a social worker", "a lab technician", "a translator",
    ];

    private static readonly string[] Activities =
    [
        "hiking", "climbing", "baking bread", "playing the guitar", "running along the river", "trying new recipes",
        "reading crime novels", "swimming", "going to gigs", "gardening", "painting", "playing board games",
        "cycling", "doing yoga", "visiting museums", "watching old films", "dancing salsa", "taking photos",
    ];

    private static readonly string[] Foods =
    [
        "good coffee", "a long brunch", "homemade pizza", "ramen", "fresh croissants", "a big Sunday roast",
        "street food", "dark chocolate", "spicy curry", "ice cream",
    ];

    private static readonly string[] Wishes =
    [
        "Looking for someone kind who makes me laugh.",
        "Hoping to meet someone curious and easy-going.",
        "Looking for a partner in crime for weekend trips.",
        "I'd love to meet someone who enjoys the little things.",
        "Looking for honesty, humour and good conversation.",
        "Hoping to find someone to share adventures with.",
    ];

    public static string Make(Faker f)
    {
        string first = f.Random.Int(0, 3) switch
        {
            0 => $"I work as {f.PickRandom(Jobs)} and spend my weekends {f.PickRandom(Activities)}.",
            1 => $"Originally from {f.Address.City()}, I love {f.PickRandom(Activities)} and {f.PickRandom(Foods)}.",
            2 => $"By day I'm {f.PickRandom(Jobs)}, by night I'm {f.PickRandom(Activities)}.",
            _ => $"Happiest when I'm {f.PickRandom(Activities)}, ideally followed by {f.PickRandom(Foods)}.",
        };
        string second = f.Random.Bool(0.6f)
            ? f.PickRandom(Wishes)
            : $"Ask me about {f.PickRandom(Activities)}, or just bring {f.PickRandom(Foods)}.";
        return first + " " + second;
    }
}
