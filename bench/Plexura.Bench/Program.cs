Console.WriteLine("Plexura benchmarks: see README.");
